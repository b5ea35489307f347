namespace PoshServer.Tenants.Yaml;

/// <summary>A scalar. <see cref="IsPlain"/> distinguishes <c>yes</c> from <c>"yes"</c> and <c>~</c> from <c>"~"</c>.</summary>
internal sealed record YamlScalar(string Value, bool IsPlain, int Line, int Column) : YamlNode(Line, Column)
{
    public override string Kind => IsNull ? "null" : "a scalar";

    /// <summary>YAML 1.2 core schema null: an empty plain scalar, <c>~</c> or <c>null</c>.</summary>
    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";
}

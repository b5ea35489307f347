namespace PoshServer.Tenants.Yaml;

/// <summary>A mapping with unique scalar keys, in document order.</summary>
internal sealed record YamlMapping(IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> Entries, int Line, int Column) : YamlNode(Line, Column)
{
    public override string Kind => "a mapping";
}

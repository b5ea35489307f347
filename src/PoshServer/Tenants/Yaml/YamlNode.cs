namespace PoshServer.Tenants.Yaml;

/// <summary>A node of a parsed YAML document, with the 1-based position it started at.</summary>
internal abstract record YamlNode(int Line, int Column)
{
    /// <summary>What the node is, for "expected X, found Y" messages.</summary>
    public abstract string Kind { get; }
}

namespace PoshServer.Tenants.Yaml;

/// <summary>A problem found while reading YAML, at a 1-based position.</summary>
internal sealed record YamlProblem(int Line, int Column, string Message, string Hint);

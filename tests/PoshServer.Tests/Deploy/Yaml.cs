using YamlDotNet.RepresentationModel;

namespace PoshServer.Tests.Deploy;

/// <summary>Reading deployment files with YamlDotNet's representation model; merge keys (<c>&lt;&lt;</c>) are followed.</summary>
internal static class Yaml
{
    public static List<YamlMappingNode> LoadDocuments(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        return [.. stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>()];
    }

    public static YamlNode? Get(this YamlNode node, string key)
    {
        if (node is not YamlMappingNode mapping)
        {
            return null;
        }

        if (mapping.Children.TryGetValue(new YamlScalarNode(key), out var value))
        {
            return value;
        }

        // Compose's x- anchors: keys inherited through "<<: *anchor".
        return mapping.Children.TryGetValue(new YamlScalarNode("<<"), out var merged) ? merged.Get(key) : null;
    }

    public static YamlNode At(this YamlNode node, params string[] path)
    {
        var current = node;
        foreach (var key in path)
        {
            current = current.Get(key) ?? throw new KeyNotFoundException($"'{key}' of {string.Join('.', path)} is missing");
        }

        return current;
    }

    public static string? Text(this YamlNode node, params string[] path)
    {
        var current = node;
        foreach (var key in path)
        {
            current = current?.Get(key);
        }

        return (current as YamlScalarNode)?.Value;
    }

    public static IEnumerable<YamlNode> Items(this YamlNode? node) => node is YamlSequenceNode sequence ? sequence.Children : [];

    /// <summary>Every mapping anywhere below <paramref name="node"/> (for secretKeyRef and the like).</summary>
    public static IEnumerable<YamlMappingNode> Descendants(this YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                yield return mapping;
                foreach (var child in mapping.Children.Values.SelectMany(Descendants))
                {
                    yield return child;
                }

                break;
            case YamlSequenceNode sequence:
                foreach (var child in sequence.Children.SelectMany(Descendants))
                {
                    yield return child;
                }

                break;
        }
    }
}

namespace PoshServer.Tenants.Yaml;

/// <summary>
/// A fast path for the shape nearly every tenant file has: a few <c>key: value</c> lines with plain values made of
/// letters, digits, dots, hyphens and underscores (<c>domain: example.com</c>, <c>expires: 7200</c>). Such text has
/// exactly one reading in YAML, so it is turned into the same tree <see cref="YamlTreeReader"/> would build, at a
/// fraction of the cost of the full parser (which dominated start-up with 100,000 files). Anything else — comments,
/// quotes, lists, blank lines, CR, duplicate keys — returns null and goes through the full parser.
/// </summary>
internal static class FlatMappingReader
{
    public static YamlMapping? TryRead(string text)
    {
        if (text.Length == 0 || text.Length > 4096)
        {
            return null;
        }

        var entries = new List<KeyValuePair<YamlScalar, YamlNode>>(4);
        var line = 1;
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            if (end < 0)
            {
                end = text.Length;
            }

            if (!TryReadLine(text.AsSpan(start, end - start), line, entries))
            {
                return null;
            }

            start = end + 1;
            line++;
        }

        return new YamlMapping(entries, 1, 1);
    }

    private static bool TryReadLine(ReadOnlySpan<char> text, int line, List<KeyValuePair<YamlScalar, YamlNode>> entries)
    {
        var colon = text.IndexOf(':');
        if (colon <= 0 || colon + 2 >= text.Length || text[colon + 1] != ' ')
        {
            return false;
        }

        var key = text[..colon];
        var value = text[(colon + 2)..];
        foreach (var c in key)
        {
            if (c is not ((>= 'a' and <= 'z') or '_'))
            {
                return false;
            }
        }

        if (!char.IsAsciiLetterOrDigit(value[0]))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '-' or '_'))
            {
                return false;
            }
        }

        foreach (var entry in entries)
        {
            if (key.SequenceEqual(entry.Key.Value))
            {
                // Let the full reader report the duplicate with both lines.
                return false;
            }
        }

        entries.Add(KeyValuePair.Create(
            new YamlScalar(key.ToString(), IsPlain: true, line, 1),
            (YamlNode)new YamlScalar(value.ToString(), IsPlain: true, line, colon + 3)));
        return true;
    }
}

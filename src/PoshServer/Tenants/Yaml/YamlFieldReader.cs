using System.Globalization;

namespace PoshServer.Tenants.Yaml;

/// <summary>
/// Reads typed fields out of a <see cref="YamlMapping"/>, adding one <see cref="YamlProblem"/> per problem
/// and carrying on, so a file with five mistakes gets five messages in one run.
/// </summary>
internal sealed class YamlFieldReader
{
    private readonly Dictionary<string, KeyValuePair<YamlScalar, YamlNode>> _entries;
    private readonly List<YamlProblem> _problems;

    public YamlFieldReader(YamlMapping mapping, IReadOnlyCollection<string> knownKeys, List<YamlProblem> problems)
    {
        _problems = problems;
        _entries = new Dictionary<string, KeyValuePair<YamlScalar, YamlNode>>(StringComparer.Ordinal);
        foreach (var entry in mapping.Entries)
        {
            if (knownKeys.Contains(entry.Key.Value, StringComparer.Ordinal))
            {
                _entries[entry.Key.Value] = entry;
                continue;
            }

            var suggestion = knownKeys.OrderBy(k => Distance(k, entry.Key.Value)).First();
            var hint = Distance(suggestion, entry.Key.Value) <= 3
                ? $"Did you mean '{suggestion}'? Known keys: {string.Join(", ", knownKeys)}."
                : $"Known keys: {string.Join(", ", knownKeys)}.";
            problems.Add(new YamlProblem(entry.Key.Line, entry.Key.Column, $"unknown key '{entry.Key.Value}'", hint));
        }
    }

    public bool Has(string key) => _entries.ContainsKey(key);

    /// <summary>Position of a key, or of the mapping when absent.</summary>
    public (int Line, int Column) PositionOf(string key) =>
        _entries.TryGetValue(key, out var entry) ? (entry.Value.Line, entry.Value.Column) : (0, 0);

    public YamlScalar? String(string key, bool required, string hint)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            if (required)
            {
                _problems.Add(new YamlProblem(1, 1, $"required key '{key}' is missing", hint));
            }

            return null;
        }

        if (entry.Value is YamlScalar { IsNull: false } scalar)
        {
            return scalar;
        }

        _problems.Add(new YamlProblem(entry.Value.Line, entry.Value.Column, $"'{key}' must be a text value, not {entry.Value.Kind}", hint));
        return null;
    }

    public bool? Bool(string key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        // YAML 1.2 booleans only: 'yes'/'no'/'on'/'off' are ambiguous between YAML versions, so refuse them.
        if (entry.Value is YamlScalar { IsPlain: true } scalar && scalar.Value is "true" or "false")
        {
            return string.Equals(scalar.Value, "true", StringComparison.Ordinal);
        }

        _problems.Add(new YamlProblem(entry.Value.Line, entry.Value.Column, $"'{key}' must be true or false, not {Describe(entry.Value)}", $"Write '{key}: true' or '{key}: false'."));
        return null;
    }

    public long? Integer(string key, long min, long max, string unit)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (entry.Value is YamlScalar { IsPlain: true } scalar
            && long.TryParse(scalar.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            if (value >= min && value <= max)
            {
                return value;
            }

            _problems.Add(new YamlProblem(scalar.Line, scalar.Column, $"'{key}' is {value} {unit}, outside {min}..{max}", $"Choose a value between {min} and {max} {unit}."));
            return null;
        }

        _problems.Add(new YamlProblem(entry.Value.Line, entry.Value.Column, $"'{key}' must be a whole number of {unit}, not {Describe(entry.Value)}", $"Write e.g. '{key}: {min}' (no quotes, no decimals)."));
        return null;
    }

    /// <summary>A list of text values; a single text value is not accepted, to keep files uniform.</summary>
    public IReadOnlyList<YamlScalar>? StringList(string key, string hint)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (entry.Value is not YamlSequence sequence)
        {
            _problems.Add(new YamlProblem(entry.Value.Line, entry.Value.Column, $"'{key}' must be a list, not {Describe(entry.Value)}", hint));
            return null;
        }

        var result = new List<YamlScalar>();
        foreach (var item in sequence.Items)
        {
            if (item is YamlScalar { IsNull: false } scalar)
            {
                result.Add(scalar);
            }
            else
            {
                _problems.Add(new YamlProblem(item.Line, item.Column, $"items of '{key}' must be text values, not {item.Kind}", hint));
            }
        }

        return result;
    }

    public YamlMapping? Mapping(string key, string hint)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (entry.Value is YamlMapping mapping)
        {
            return mapping;
        }

        _problems.Add(new YamlProblem(entry.Value.Line, entry.Value.Column, $"'{key}' must be a mapping, not {Describe(entry.Value)}", hint));
        return null;
    }

    private static string Describe(YamlNode node) => node is YamlScalar { IsNull: false } scalar ? $"'{Truncate(scalar.Value)}'" : node.Kind;

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";

    /// <summary>Levenshtein distance, for "did you mean" hints on short keys.</summary>
    private static int Distance(string a, string b)
    {
        if (b.Length > 64)
        {
            return int.MaxValue;
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}

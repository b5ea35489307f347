using System.Buffers;
using System.Globalization;

namespace PoshServer.Tenants.Yaml;

/// <summary>
/// Reads typed fields out of a <see cref="YamlMapping"/>, adding one <see cref="YamlProblem"/> per problem
/// and carrying on, so a file with five mistakes gets five messages in one run.
/// </summary>
internal sealed class YamlFieldReader
{
    private static readonly SearchValues<char> s_octalDigits = SearchValues.Create("01234567");
    private static readonly SearchValues<char> s_hexDigits = SearchValues.Create("0123456789abcdefABCDEF");
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
            // A plain 42 or true is a number or a boolean in YAML 1.2 (and to every editor checking schema/): only
            // quoted, it is text.
            if (TypedKind(scalar) is { } kind)
            {
                _problems.Add(new YamlProblem(scalar.Line, scalar.Column, $"'{key}' must be a text value, not {kind} '{Truncate(scalar.Value)}'", $"Put it in quotes: {key}: '{Truncate(scalar.Value)}'."));
                return null;
            }

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

        // YAML 1.2 core schema booleans (§10.3.2) only: 'yes'/'no'/'on'/'off' are booleans in YAML 1.1 and text
        // in 1.2, so refuse them rather than guess.
        if (entry.Value is YamlScalar { IsPlain: true } scalar && IsCoreBoolean(scalar.Value))
        {
            return scalar.Value[0] is 't' or 'T';
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

        if (entry.Value is YamlScalar { IsPlain: true } scalar && TryParseWholeNumber(scalar.Value, out var value))
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

    /// <summary>
    /// A list of text values; a single text value is not accepted, to keep files uniform. With
    /// <paramref name="scalarsAsWritten"/> a number or boolean item is taken as the text written: a command line's
    /// arguments are text whatever they look like (<c>reload: [false]</c> runs the program <c>false</c>, a PID is an argument).
    /// </summary>
    public IReadOnlyList<YamlScalar>? StringList(string key, string hint, bool scalarsAsWritten = false)
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
            if (!scalarsAsWritten && item is YamlScalar { IsNull: false } scalar && TypedKind(scalar) is { } kind)
            {
                _problems.Add(new YamlProblem(item.Line, item.Column, $"items of '{key}' must be text values, not {kind} '{Truncate(scalar.Value)}'", $"Put it in quotes: - '{Truncate(scalar.Value)}'."));
            }
            else if (item is YamlScalar { IsNull: false } text)
            {
                result.Add(text);
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

    /// <summary>"a boolean" or "a number" for a plain scalar the YAML 1.2 core schema (§10.3.2) does not read as text.</summary>
    private static string? TypedKind(YamlScalar scalar) =>
        !scalar.IsPlain ? null
        : IsCoreBoolean(scalar.Value) ? "a boolean"
        : IsCoreNumber(scalar.Value) ? "a number"
        : null;

    private static bool IsCoreBoolean(string value) => value is "true" or "True" or "TRUE" or "false" or "False" or "FALSE";

    /// <summary>
    /// A YAML 1.2 core schema integer (decimal with optional sign, 0o octal, 0x hexadecimal), or a float with no
    /// fractional part (6e1, 60.0): JSON Schema's "integer" is any number whose fractional part is zero
    /// (draft 2020-12 validation §6.1.1), so the schema in schema/ accepts those too.
    /// </summary>
    private static bool TryParseWholeNumber(string text, out long value)
    {
        value = 0;
        if (IsCoreDecimalInteger(text))
        {
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
        }

        if (text.StartsWith("0o", StringComparison.Ordinal) && text.Length is > 2 and <= 23 && text[2..].All(c => c is >= '0' and <= '7'))
        {
            value = Convert.ToInt64(text[2..], 8);
            return value >= 0;
        }

        if (text.StartsWith("0x", StringComparison.Ordinal) && text.Length is > 2 and <= 18)
        {
            return long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && value >= 0;
        }

        if (IsCoreFloat(text)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && double.IsFinite(number) && Math.Floor(number) == number && Math.Abs(number) < 1e15)
        {
            value = (long)number;
            return true;
        }

        return false;
    }

    // The YAML 1.2 core schema's number forms (§10.3.2), scanned by hand rather than by regular expression.
    private static bool IsCoreNumber(string text) =>
        IsCoreDecimalInteger(text)
        || (text.StartsWith("0o", StringComparison.Ordinal) && text.Length > 2 && !text.AsSpan(2).ContainsAnyExcept(s_octalDigits))
        || (text.StartsWith("0x", StringComparison.Ordinal) && text.Length > 2 && !text.AsSpan(2).ContainsAnyExcept(s_hexDigits))
        || IsCoreFloat(text)
        || text.TrimStart('+', '-') is ".inf" or ".Inf" or ".INF" && text.Length - text.TrimStart('+', '-').Length <= 1
        || text is ".nan" or ".NaN" or ".NAN";

    private static bool IsCoreDecimalInteger(string text)
    {
        var digits = text.AsSpan(text.Length > 0 && text[0] is '+' or '-' ? 1 : 0);
        return digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9');
    }

    /// <summary>[-+]? ( . digits | digits ( . digits? )? ) ( [eE] [-+]? digits )?</summary>
    private static bool IsCoreFloat(string text)
    {
        var i = text.Length > 0 && text[0] is '+' or '-' ? 1 : 0;
        var integral = Digits(text, ref i);
        var fraction = 0;
        if (i < text.Length && text[i] == '.')
        {
            i++;
            fraction = Digits(text, ref i);
            if (integral == 0 && fraction == 0)
            {
                return false;
            }
        }
        else if (integral == 0)
        {
            return false;
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '+' or '-')
            {
                i++;
            }

            if (Digits(text, ref i) == 0)
            {
                return false;
            }
        }

        return i == text.Length;
    }

    private static int Digits(string text, ref int index)
    {
        var start = index;
        while (index < text.Length && char.IsAsciiDigit(text[index]))
        {
            index++;
        }

        return index - start;
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

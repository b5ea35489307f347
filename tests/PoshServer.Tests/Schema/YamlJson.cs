using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PoshServer.Tests.Schema;

/// <summary>
/// Turns a YAML document into the JSON value a schema-aware editor sees, independently of the server's own reader:
/// YamlDotNet parses, and plain scalars are typed by the YAML 1.2 core schema (§10.3.2), so <c>expires: '3600'</c>
/// is a string, <c>disabled: True</c> a boolean and <c>expires: 0x3C</c> the integer 60.
/// </summary>
internal static partial class YamlJson
{
    /// <summary>The JSON of a one-document YAML text, or <see langword="false"/> when it is not one YAML document.</summary>
    public static bool TryConvert(string yaml, out JsonElement json)
    {
        json = default;
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (Exception e) when (e is YamlException or ArgumentException)
        {
            return false;
        }

        if (stream.Documents.Count > 1)
        {
            return false;
        }

        // An empty file is a stream without documents: its value is null.
        var node = stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
        json = JsonSerializer.SerializeToElement(node);
        return true;
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => ToObject(mapping),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(Convert)]),
        YamlScalarNode scalar => ToValue(scalar),
        _ => throw new NotSupportedException(node.NodeType.ToString()),
    };

    private static JsonObject ToObject(YamlMappingNode mapping)
    {
        var result = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            // JSON keys are text: a YAML key is taken as written.
            result[((YamlScalarNode)key).Value ?? string.Empty] = Convert(value);
        }

        return result;
    }

    private static JsonNode? ToValue(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style != ScalarStyle.Plain || !scalar.Tag.IsEmpty)
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return JsonValue.Create(text[0] is 't' or 'T');
        }

        if (DecimalInteger().IsMatch(text))
        {
            var negative = text[0] == '-';
            var digits = text.TrimStart('+', '-').TrimStart('0');
            return JsonNode.Parse((negative && digits.Length > 0 ? "-" : string.Empty) + (digits.Length == 0 ? "0" : digits));
        }

        if (OctalInteger().IsMatch(text))
        {
            return JsonValue.Create(System.Convert.ToInt64(text[2..], 8));
        }

        if (HexInteger().IsMatch(text))
        {
            return JsonValue.Create(long.Parse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
        }

        if (Float().IsMatch(text))
        {
            // Kept as a JSON number with its fraction or exponent (1e3 stays 1e3, not 1000).
            var mantissaAndExponent = text.TrimStart('+').Split('e', 'E');
            var mantissa = mantissaAndExponent[0];
            mantissa = mantissa.StartsWith('.') ? "0" + mantissa : mantissa.StartsWith("-.", StringComparison.Ordinal) ? "-0" + mantissa[1..] : mantissa;
            mantissa = mantissa.EndsWith('.') ? mantissa + "0" : mantissa;
            var sign = mantissa.StartsWith('-') ? "-" : string.Empty;
            var unsigned = mantissa.TrimStart('-');
            var integral = unsigned.Split('.')[0].TrimStart('0');
            var rest = unsigned[unsigned.Split('.')[0].Length..];
            var number = sign + (integral.Length == 0 ? "0" : integral) + rest + (mantissaAndExponent.Length > 1 ? "e" + mantissaAndExponent[1] : string.Empty);
            return JsonNode.Parse(number);
        }

        if (Infinity().IsMatch(text) || text is ".nan" or ".NaN" or ".NAN")
        {
            throw new NotSupportedException($"'{text}' has no JSON form");
        }

        return JsonValue.Create(text);
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex DecimalInteger();

    [GeneratedRegex("^0o[0-7]+$")]
    private static partial Regex OctalInteger();

    [GeneratedRegex("^0x[0-9a-fA-F]+$")]
    private static partial Regex HexInteger();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();

    [GeneratedRegex(@"^[-+]?(\.inf|\.Inf|\.INF)$")]
    private static partial Regex Infinity();
}

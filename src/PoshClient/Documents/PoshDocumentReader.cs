using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;

namespace PoshClient.Documents;

/// <summary>
/// A strict reader for POSH bodies (RFC 7711 §3.1, §3.2). It never throws on bad input: anything that is not
/// exactly one fingerprints or reference document comes back as <see cref="PoshDocumentKind.Malformed"/> with a
/// reason that names the offending member.
/// </summary>
/// <remarks>
/// Rules beyond the RFC text (posh-spec C-9..C-13, all recommendations): duplicate member names are rejected at
/// every level, because two readers could otherwise disagree about which value counts; <c>expires</c> must be
/// a plain non-negative integer literal (values beyond <see cref="long.MaxValue"/> are clamped); unknown members
/// and unknown hash names are ignored; hash values must be standard base64 (padding optional, as in the RFC's
/// own second example) of exactly the digest length, otherwise that value is ignored with a warning.
/// </remarks>
internal static class PoshDocumentReader
{
    /// <summary>Maximum JSON nesting depth. A POSH document needs 3; anything deeper is hostile.</summary>
    public const int MaxDepth = 16;

    private static readonly JsonReaderOptions s_options = new()
    {
        MaxDepth = MaxDepth,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    /// <summary>Reads a POSH body given as UTF-8 bytes.</summary>
    public static PoshDocumentReadResult Read(ReadOnlySpan<byte> utf8Json)
    {
        // RFC 8259 §8.1: a parser MAY ignore a byte order mark; senders must not add one.
        if (utf8Json.StartsWith("\uFEFF"u8))
        {
            utf8Json = utf8Json[3..];
        }

        if (utf8Json.IsEmpty)
        {
            return PoshDocumentReadResult.Malformed("the body is empty");
        }

        // RFC 8259 §8.1: JSON exchanged between systems MUST be UTF-8. Checked up front so that string
        // decoding below cannot fail half-way.
        if (!Utf8.IsValid(utf8Json))
        {
            return PoshDocumentReadResult.Malformed("the body is not valid UTF-8 (RFC 8259 §8.1)");
        }

        var reader = new Utf8JsonReader(utf8Json, s_options);
        try
        {
            return ReadTopLevel(ref reader);
        }
        catch (JsonException ex)
        {
            return PoshDocumentReadResult.Malformed("invalid JSON: " + ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            // Escapes that decode to lone surrogates cannot become a .NET string.
            return PoshDocumentReadResult.Malformed("invalid JSON string: " + ex.Message);
        }
    }

    private static PoshDocumentReadResult ReadTopLevel(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return PoshDocumentReadResult.Malformed($"the top level must be a JSON object, not {Describe(reader.TokenType)} (RFC 7711 §3.1, §3.2)");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var warnings = new List<string>();
        List<FingerprintDescriptor>? descriptors = null;
        string? url = null;
        long? expires = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            if (!names.Add(name))
            {
                return PoshDocumentReadResult.Malformed($"duplicate member \"{name}\" at the top level");
            }

            reader.Read();
            string? error;
            switch (name)
            {
                case "fingerprints":
                    error = ReadDescriptors(ref reader, warnings, out descriptors);
                    break;
                case "url":
                    error = reader.TokenType == JsonTokenType.String ? null : $"\"url\" must be a string, not {Describe(reader.TokenType)} (RFC 7711 §3.2)";
                    url = error is null ? reader.GetString() : null;
                    break;
                case "expires":
                    error = ReadExpires(ref reader, out expires);
                    break;
                default:
                    // Unknown top-level members are ignored (posh-spec 1.1), but still checked for duplicates.
                    error = SkipValue(ref reader, name);
                    break;
            }

            if (error is not null)
            {
                return PoshDocumentReadResult.Malformed(error);
            }
        }

        // Trailing content after the object makes the reader throw here.
        if (reader.Read())
        {
            return PoshDocumentReadResult.Malformed("content after the top-level object");
        }

        return Build(descriptors, url, expires, warnings);
    }

    private static PoshDocumentReadResult Build(List<FingerprintDescriptor>? descriptors, string? url, long? expires, List<string> warnings)
    {
        if (descriptors is not null && url is not null)
        {
            // RFC 7711 §3.1: a fingerprints document MUST NOT contain "url"; §3.2: a reference has "url" instead.
            return PoshDocumentReadResult.Malformed("the document has both \"fingerprints\" and \"url\" (RFC 7711 §3.1: a fingerprints document MUST NOT contain \"url\")");
        }

        if (descriptors is null && url is null)
        {
            return PoshDocumentReadResult.Malformed("the document has neither \"fingerprints\" nor \"url\" (RFC 7711 §3.1, §3.2)");
        }

        if (expires is not { } seconds)
        {
            return PoshDocumentReadResult.Malformed("the document has no \"expires\" member (RFC 7711 §3.1, §3.2)");
        }

        if (descriptors is not null)
        {
            return new PoshDocumentReadResult
            {
                Kind = PoshDocumentKind.Fingerprints,
                Fingerprints = new FingerprintsDocument { Fingerprints = descriptors, Expires = seconds },
                Warnings = warnings,
            };
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || !string.Equals(uri.Scheme, Uri.UriSchemeHttps, StringComparison.Ordinal)
            || string.IsNullOrEmpty(uri.Host)
            || !string.IsNullOrEmpty(uri.UserInfo))
        {
            // RFC 7711 §3.2: "url" is the HTTPS URI of the fingerprints document; §3: POSH servers MUST use HTTPS.
            return PoshDocumentReadResult.Malformed($"\"url\" must be an absolute https URI without user info, not \"{url}\" (RFC 7711 §3.2)");
        }

        return new PoshDocumentReadResult
        {
            Kind = PoshDocumentKind.Reference,
            Reference = new ReferenceDocument { Url = uri, Expires = seconds },
            Warnings = warnings,
        };
    }

    private static string? ReadDescriptors(ref Utf8JsonReader reader, List<string> warnings, out List<FingerprintDescriptor>? descriptors)
    {
        descriptors = null;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return $"\"fingerprints\" must be an array, not {Describe(reader.TokenType)} (RFC 7711 §3.1)";
        }

        var list = new List<FingerprintDescriptor>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"fingerprints[{list.Count}]");
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return $"{path} must be an object, not {Describe(reader.TokenType)} (RFC 7711 §3.1)";
            }

            var error = ReadDescriptor(ref reader, path, warnings, out var descriptor);
            if (error is not null)
            {
                return error;
            }

            list.Add(descriptor!);
        }

        if (list.Count == 0)
        {
            return "\"fingerprints\" must contain at least one descriptor (RFC 7711 §3.1)";
        }

        descriptors = list;
        return null;
    }

    private static string? ReadDescriptor(ref Utf8JsonReader reader, string path, List<string> warnings, out FingerprintDescriptor? descriptor)
    {
        descriptor = null;
        var names = new HashSet<string>(StringComparer.Ordinal);
        var hashes = ImmutableSortedDictionary.CreateBuilder<PoshHashAlgorithm, ImmutableArray<byte>>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            if (!names.Add(name))
            {
                return $"duplicate member \"{name}\" in {path}";
            }

            reader.Read();
            if (!PoshHashAlgorithms.TryParse(name, out var algorithm))
            {
                // RFC 7711 §3.3: the client matches with the hash functions it supports; others are ignored.
                var error = SkipValue(ref reader, path + "." + name);
                if (error is not null)
                {
                    return error;
                }

                continue;
            }

            if (reader.TokenType != JsonTokenType.String)
            {
                warnings.Add($"{path}.{name} is {Describe(reader.TokenType)}, not a base64 string; ignored");
                var error = SkipValue(ref reader, path + "." + name);
                if (error is not null)
                {
                    return error;
                }

                continue;
            }

            var problem = TryDecodeDigest(reader.GetString()!, algorithm.Value, out var digest);
            if (problem is not null)
            {
                warnings.Add($"{path}.{name} {problem}; ignored");
                continue;
            }

            hashes[algorithm.Value] = ImmutableArray.Create(digest!);
        }

        if (hashes.Count == 0)
        {
            warnings.Add($"{path} has no usable sha-256, sha-384 or sha-512 value and cannot match (RFC 7711 §3.3)");
        }

        descriptor = new FingerprintDescriptor { Hashes = hashes.ToImmutable() };
        return null;
    }

    /// <summary>
    /// Decodes RFC 4648 §4 base64 (standard alphabet) of exactly the digest length. The '=' padding is optional
    /// because RFC 7711's own second example in §3.1 omits it; base64url characters and whitespace are rejected.
    /// </summary>
    internal static string? TryDecodeDigest(string value, PoshHashAlgorithm algorithm, out byte[]? digest)
    {
        digest = null;
        var padding = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '=')
            {
                padding++;
                continue;
            }

            if (padding > 0)
            {
                return "has characters after '=' padding";
            }

            if (c is '-' or '_')
            {
                return "uses base64url characters ('-' or '_'); POSH values are standard base64 (RFC 4648 §4, RFC 7711 §3.1)";
            }

            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/'))
            {
                return "has a character outside the base64 alphabet (RFC 4648 §4)";
            }
        }

        var dataChars = value.Length - padding;
        if (padding > 2 || (padding > 0 && value.Length % 4 != 0) || dataChars % 4 == 1)
        {
            return "is not valid base64: wrong length or padding (RFC 4648 §4)";
        }

        var expected = algorithm.DigestLength();
        var decodedLength = dataChars * 3 / 4;
        if (decodedLength != expected)
        {
            return string.Create(CultureInfo.InvariantCulture, $"decodes to {decodedLength} bytes, but {algorithm.ToName()} digests are {expected} bytes");
        }

        var padded = padding > 0 || dataChars % 4 == 0 ? value : value + new string('=', 4 - (dataChars % 4));
        var buffer = new byte[expected];
        if (!Convert.TryFromBase64String(padded, buffer, out var written) || written != expected)
        {
            return "is not valid base64 (RFC 4648 §4)";
        }

        digest = buffer;
        return null;
    }

    private static string? ReadExpires(ref Utf8JsonReader reader, out long? expires)
    {
        expires = null;
        if (reader.TokenType != JsonTokenType.Number)
        {
            return $"\"expires\" must be a number, not {Describe(reader.TokenType)} (RFC 7711 §3.1, §3.2)";
        }

        // Numbers are never escaped, so ValueSpan is the literal as sent.
        var raw = reader.ValueSpan;
        if (raw[0] == (byte)'-')
        {
            return $"\"expires\" must be a non-negative integer, not {Utf8Text(raw)} (RFC 7711 §3.1, §3.2)";
        }

        if (raw.IndexOfAny("."u8 + "eE"u8) >= 0)
        {
            return $"\"expires\" must be an integer literal, not {Utf8Text(raw)} (RFC 7711 §3.1, §3.2)";
        }

        // Only digits remain; beyond long.MaxValue is clamped, callers cap lifetimes far lower anyway (RFC 7711 §6 MAY).
        expires = reader.TryGetInt64(out var value) ? value : long.MaxValue;
        return null;
    }

    /// <summary>Walks a value the reader does not interpret, still rejecting duplicate member names inside it.</summary>
    private static string? SkipValue(ref Utf8JsonReader reader, string path)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var names = new HashSet<string>(StringComparer.Ordinal);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var name = reader.GetString()!;
                    if (!names.Add(name))
                    {
                        return $"duplicate member \"{name}\" in {path}";
                    }

                    reader.Read();
                    var error = SkipValue(ref reader, path + "." + name);
                    if (error is not null)
                    {
                        return error;
                    }
                }

                return null;
            case JsonTokenType.StartArray:
                var index = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var error = SkipValue(ref reader, string.Create(CultureInfo.InvariantCulture, $"{path}[{index++}]"));
                    if (error is not null)
                    {
                        return error;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static string Utf8Text(ReadOnlySpan<byte> raw) => System.Text.Encoding.UTF8.GetString(raw);

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => "nothing",
    };
}

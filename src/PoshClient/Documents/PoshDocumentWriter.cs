using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PoshClient.Documents;

/// <summary>
/// Writes POSH documents in exactly the shape RFC 7711 §3 shows and every deployed verifier reads: compact
/// UTF-8 JSON without BOM, <c>fingerprints</c> before <c>expires</c>, padded standard base64 (RFC 4648 §4),
/// <c>expires</c> as a plain integer literal.
/// </summary>
internal static class PoshDocumentWriter
{
    /// <summary>
    /// Bodies must stay under this many bytes: Conversations reads no more than 10,000 bytes of a document.
    /// </summary>
    public const int MaxInteroperableBodyBytes = 10_000;

    // The default encoder escapes '+' as \u002B; base64 and URLs are safe to write as they are.
    private static readonly JsonWriterOptions s_options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = false,
    };

    /// <summary>Serialises a fingerprints document.</summary>
    /// <exception cref="ArgumentException">The document has no descriptor, a descriptor has no hash, or <c>expires</c> is below 1.</exception>
    public static byte[] Write(FingerprintsDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (document.Fingerprints.Count == 0)
        {
            // RFC 7711 §3.1: the array MUST contain at least one descriptor.
            throw new ArgumentException("A fingerprints document needs at least one descriptor (RFC 7711 §3.1).", nameof(document));
        }

        ValidateExpires(document.Expires, nameof(document));
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, s_options))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("fingerprints");
            foreach (var descriptor in document.Fingerprints)
            {
                if (descriptor.Hashes.IsEmpty)
                {
                    throw new ArgumentException("A fingerprint descriptor needs at least one hash.", nameof(document));
                }

                writer.WriteStartObject();
                foreach (var (algorithm, value) in descriptor.Hashes)
                {
                    // WriteBase64String emits standard, padded base64 with zero pad bits (RFC 4648 §3.2, §3.5).
                    writer.WriteBase64String(algorithm.ToName(), value.AsSpan());
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteNumber("expires", document.Expires);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Serialises a reference document.</summary>
    /// <exception cref="ArgumentException">The URL is not an absolute https URI, or <c>expires</c> is below 1.</exception>
    public static byte[] Write(ReferenceDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (!document.Url.IsAbsoluteUri || !string.Equals(document.Url.Scheme, Uri.UriSchemeHttps, StringComparison.Ordinal))
        {
            // RFC 7711 §3.2: "url" is the HTTPS URI of the fingerprints document.
            throw new ArgumentException($"The reference URL must be an absolute https URI, not '{document.Url}'.", nameof(document));
        }

        ValidateExpires(document.Expires, nameof(document));
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, s_options))
        {
            writer.WriteStartObject();
            writer.WriteString("url", document.Url.AbsoluteUri);
            writer.WriteNumber("expires", document.Expires);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void ValidateExpires(long expires, string paramName)
    {
        // 0 would make every client discard the material (RFC 7711 §3.1, §3.2); we never publish it.
        if (expires < 1)
        {
            throw new ArgumentException($"'expires' must be at least 1, not {expires}.", paramName);
        }
    }
}

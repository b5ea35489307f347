using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PoshServer.Acme;

/// <summary>
/// JWS in the flattened JSON serialization (RFC 7515 §7.2.2) as ACME requires it (RFC 8555 §6.2): ES256 with the
/// account key, <c>jwk</c> only for newAccount, <c>kid</c> (the account URL) everywhere else.
/// </summary>
internal static class AcmeJws
{
    /// <summary>Signs <paramref name="payload"/> (empty for POST-as-GET, RFC 8555 §6.3) for <paramref name="url"/>.</summary>
    public static byte[] Sign(AcmeAccountKey key, string? keyId, string? nonce, Uri url, ReadOnlySpan<byte> payload)
    {
        var header = WriteObject(writer =>
        {
            writer.WriteString("alg", "ES256");
            if (keyId is null)
            {
                writer.WritePropertyName("jwk");
                writer.WriteRawValue(key.Jwk);
            }
            else
            {
                writer.WriteString("kid", keyId);
            }

            if (nonce is not null)
            {
                writer.WriteString("nonce", nonce);
            }

            writer.WriteString("url", url.AbsoluteUri);
        });

        var protectedPart = Base64Url.EncodeToString(header);
        var payloadPart = Base64Url.EncodeToString(payload);

        // .NET's ECDsa.SignData returns the IEEE P1363 form r||s (64 bytes for P-256) that RFC 7518 §3.4 requires,
        // not DER.
        var signature = key.Key.SignData(Encoding.ASCII.GetBytes(protectedPart + "." + payloadPart), HashAlgorithmName.SHA256);
        return Flatten(protectedPart, payloadPart, Base64Url.EncodeToString(signature));
    }

    /// <summary>
    /// The external account binding (RFC 8555 §7.3.4): an HS256 JWS over the account JWK, keyed by the CA-issued
    /// MAC key, with the EAB key id as <c>kid</c> and the newAccount URL.
    /// </summary>
    public static byte[] SignExternalAccountBinding(AcmeAccountKey accountKey, string eabKeyId, ReadOnlySpan<byte> macKey, Uri newAccountUrl)
    {
        var header = WriteObject(writer =>
        {
            writer.WriteString("alg", "HS256");
            writer.WriteString("kid", eabKeyId);
            writer.WriteString("url", newAccountUrl.AbsoluteUri);
        });
        var protectedPart = Base64Url.EncodeToString(header);
        var payloadPart = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(accountKey.Jwk));
        var signature = HMACSHA256.HashData(macKey, Encoding.ASCII.GetBytes(protectedPart + "." + payloadPart));
        return Flatten(protectedPart, payloadPart, Base64Url.EncodeToString(signature));
    }

    public static byte[] WriteObject(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Flatten(string protectedPart, string payloadPart, string signaturePart) =>
        WriteObject(writer =>
        {
            writer.WriteString("protected", protectedPart);
            writer.WriteString("payload", payloadPart);
            writer.WriteString("signature", signaturePart);
        });
}

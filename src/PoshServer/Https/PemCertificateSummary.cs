using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Security.Cryptography;

namespace PoshServer.Https;

/// <summary>
/// What start-up needs from a PEM chain before its first handshake (issue 9: 10,000 HTTPS names ready in seconds):
/// the leaf's DNS names (subjectAltName dNSName, RFC 5280 §4.2.1.6), its notAfter (§4.1.2.5) and how many
/// certificates follow it. Read straight from the DER with <see cref="AsnReader"/>: building an X509Certificate2
/// costs about 0.25 ms per certificate on Linux (the OpenSSL object behind it), 2.5 s of a 10,000-file start on one
/// core, for two fields. The certificate itself is parsed properly when its context is built, on the first
/// handshake that asks for one of its names; a file this reader refuses is refused at start, as before.
/// </summary>
internal static class PemCertificateSummary
{
    private const string SubjectAltNameOid = "2.5.29.17";
    private static readonly Asn1Tag s_extensionsTag = new(TagClass.ContextSpecific, 3, isConstructed: true);
    private static readonly Asn1Tag s_dnsNameTag = new(TagClass.ContextSpecific, 2);

    /// <summary>Reads <paramref name="pem"/>: the first CERTIFICATE block is the leaf, the others are counted.</summary>
    public static bool TryRead(
        string pem,
        [NotNullWhen(true)] out IReadOnlyList<string>? dnsNames,
        out DateTimeOffset notAfter,
        out int intermediates,
        [NotNullWhen(false)] out string? error)
    {
        dnsNames = null;
        notAfter = default;
        intermediates = -1;
        byte[]? leaf = null;
        var text = pem.AsSpan();
        while (PemEncoding.TryFind(text, out var fields))
        {
            if (text[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                leaf ??= Convert.FromBase64String(text[fields.Base64Data].ToString());
                intermediates++;
            }

            text = text[fields.Location.End..];
        }

        if (leaf is null)
        {
            error = "holds no certificate";
            return false;
        }

        try
        {
            (dnsNames, notAfter) = ReadLeaf(leaf);
            error = null;
            return true;
        }
        catch (AsnContentException ex)
        {
            error = $"holds a certificate that is not valid DER (RFC 5280 §4.1): {ex.Message}";
            return false;
        }
    }

    private static (IReadOnlyList<string> DnsNames, DateTimeOffset NotAfter) ReadLeaf(byte[] der)
    {
        var certificate = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var tbs = certificate.ReadSequence();
        if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
        {
            tbs.ReadEncodedValue(); // version
        }

        tbs.ReadEncodedValue(); // serialNumber
        tbs.ReadEncodedValue(); // signature
        tbs.ReadEncodedValue(); // issuer
        var validity = tbs.ReadSequence();
        validity.ReadEncodedValue(); // notBefore
        var notAfter = ReadTime(validity);
        tbs.ReadEncodedValue(); // subject
        tbs.ReadEncodedValue(); // subjectPublicKeyInfo

        var names = new List<string>();
        while (tbs.HasData)
        {
            // issuerUniqueID [1] and subjectUniqueID [2] are skipped; extensions are [3] EXPLICIT.
            if (!tbs.PeekTag().HasSameClassAndValue(s_extensionsTag))
            {
                tbs.ReadEncodedValue();
                continue;
            }

            var extensions = tbs.ReadSequence(s_extensionsTag).ReadSequence();
            while (extensions.HasData)
            {
                var extension = extensions.ReadSequence();
                var id = extension.ReadObjectIdentifier();
                if (extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean))
                {
                    extension.ReadBoolean(); // critical
                }

                var value = extension.ReadOctetString();
                if (string.Equals(id, SubjectAltNameOid, StringComparison.Ordinal))
                {
                    var generalNames = new AsnReader(value, AsnEncodingRules.DER).ReadSequence();
                    while (generalNames.HasData)
                    {
                        if (generalNames.PeekTag().HasSameClassAndValue(s_dnsNameTag))
                        {
                            names.Add(generalNames.ReadCharacterString(UniversalTagNumber.IA5String, s_dnsNameTag));
                        }
                        else
                        {
                            generalNames.ReadEncodedValue();
                        }
                    }
                }
            }
        }

        return (names, notAfter);
    }

    private static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();
}

using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PoshClient.Pkix;

/// <summary>
/// Reads DNS-IDs, SRV-IDs and XmppAddrs from a certificate's subjectAltName. .NET only enumerates dNSName
/// and iPAddress, so the GeneralNames SEQUENCE (RFC 5280 §4.2.1.6) is decoded here.
/// </summary>
internal static class SubjectAltNameReader
{
    /// <summary>id-on-xmppAddr (RFC 6120 §13.7.1.4).</summary>
    public const string XmppAddrOid = "1.3.6.1.5.5.7.8.5";

    /// <summary>id-on-dnsSRV (RFC 4985 §2).</summary>
    public const string SrvNameOid = "1.3.6.1.5.5.7.8.7";

    private const string SubjectAltNameOid = "2.5.29.17";

    private static readonly Asn1Tag s_otherName = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag s_otherNameValue = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag s_dnsName = new(TagClass.ContextSpecific, 2);

    public static PresentedIdentifiers Read(X509Certificate2 certificate)
    {
        var commonName = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        commonName = string.IsNullOrEmpty(commonName) ? null : commonName;
        var extension = certificate.Extensions.FirstOrDefault(e => string.Equals(e.Oid?.Value, SubjectAltNameOid, StringComparison.Ordinal));
        if (extension is null)
        {
            return PresentedIdentifiers.None with { CommonName = commonName };
        }

        try
        {
            return Parse(extension.RawData) with { CommonName = commonName };
        }
        catch (AsnContentException ex)
        {
            return PresentedIdentifiers.None with { CommonName = commonName, ParseError = ex.Message };
        }
        catch (CryptographicException ex)
        {
            return PresentedIdentifiers.None with { CommonName = commonName, ParseError = ex.Message };
        }
    }

    internal static PresentedIdentifiers Parse(ReadOnlyMemory<byte> der)
    {
        var dnsNames = new List<string>();
        var srvNames = new List<string>();
        var xmppAddrs = new List<string>();
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        var names = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        while (names.HasData)
        {
            var tag = names.PeekTag();
            if (tag.HasSameClassAndValue(s_dnsName) && !tag.IsConstructed)
            {
                dnsNames.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, s_dnsName));
            }
            else if (tag.HasSameClassAndValue(s_otherName))
            {
                // OtherName ::= SEQUENCE { type-id OBJECT IDENTIFIER, value [0] EXPLICIT ANY }
                var otherName = names.ReadSequence(s_otherName);
                var typeId = otherName.ReadObjectIdentifier();
                var value = otherName.ReadSequence(s_otherNameValue);
                if (string.Equals(typeId, XmppAddrOid, StringComparison.Ordinal))
                {
                    xmppAddrs.Add(value.ReadCharacterString(UniversalTagNumber.UTF8String));
                }
                else if (string.Equals(typeId, SrvNameOid, StringComparison.Ordinal))
                {
                    srvNames.Add(value.ReadCharacterString(UniversalTagNumber.IA5String));
                }
            }
            else
            {
                // iPAddress, URI, rfc822Name, …: not identities of an XMPP domain.
                names.ReadEncodedValue();
            }
        }

        return new PresentedIdentifiers { DnsNames = dnsNames, SrvNames = srvNames, XmppAddrs = xmppAddrs };
    }
}

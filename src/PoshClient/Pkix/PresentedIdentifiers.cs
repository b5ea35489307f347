namespace PoshClient.Pkix;

/// <summary>
/// The identifiers a certificate presents in its subjectAltName (RFC 9525 §2; RFC 6120 §13.7.1.4).
/// The subject common name is kept for diagnostics only: it is never matched (RFC 9525 §6, App. A).
/// </summary>
public sealed record PresentedIdentifiers
{
    /// <summary>An empty set, e.g. for a certificate without a subjectAltName extension.</summary>
    internal static PresentedIdentifiers None { get; } = new() { DnsNames = [], SrvNames = [], XmppAddrs = [] };

    /// <summary>The dNSName entries (DNS-IDs), as written in the certificate.</summary>
    public required IReadOnlyList<string> DnsNames { get; init; }

    /// <summary>The otherName id-on-dnsSRV entries (SRV-IDs, RFC 4985), e.g. <c>_xmpp-client.example.com</c>.</summary>
    public required IReadOnlyList<string> SrvNames { get; init; }

    /// <summary>The otherName id-on-xmppAddr entries (RFC 6120 §13.7.1.4).</summary>
    public required IReadOnlyList<string> XmppAddrs { get; init; }

    /// <summary>The subject common name, if any. Shown in explanations; never used as an identity.</summary>
    public string? CommonName { get; init; }

    /// <summary>Set when the subjectAltName extension could not be decoded; its identifiers are then ignored.</summary>
    public string? ParseError { get; init; }

    /// <summary>Every SAN identifier, for messages such as "certificate names hosting.example.net".</summary>
    public IEnumerable<string> All => DnsNames.Concat(SrvNames).Concat(XmppAddrs.Select(x => "xmppAddr:" + x));

    /// <summary>A short list of the names for an error message.</summary>
    public string Describe()
    {
        var names = All.ToList();
        if (names.Count > 0)
        {
            return string.Join(", ", names);
        }

        var cn = CommonName is null ? string.Empty : $" (subject CN={CommonName} is not an identity under RFC 9525)";
        return ParseError is null ? "no subjectAltName names" + cn : "an unreadable subjectAltName: " + ParseError + cn;
    }
}

using PoshClient.Dane;
using PoshClient.Dns;

namespace PoshClient.Xmpp;

/// <summary>A host and port to try, with the TLS mode and where it came from.</summary>
public sealed record XmppEndpoint
{
    /// <summary>The host name (SRV target, the domain on fallback, or the override) or an IP literal.</summary>
    public required string Host { get; init; }

    /// <summary>The TCP port.</summary>
    public required int Port { get; init; }

    /// <summary>True for XEP-0368 direct TLS; false for STARTTLS (RFC 6120 §5).</summary>
    public required bool DirectTls { get; init; }

    /// <summary>"srv _xmpp-client._tcp.example.com", "fallback (no SRV records)" or "override".</summary>
    public required string Origin { get; init; }

    /// <summary>The SRV record this endpoint came from, if any.</summary>
    internal SrvRecord? SrvRecord { get; init; }

    /// <summary>
    /// The DNSSEC status of the SRV answer this endpoint came from (Insecure for a fallback or configured host): with
    /// Secure, the target is a reference identity and its TLSA records apply (RFC 7673 §3, §4.1).
    /// </summary>
    public DnssecStatus SrvDnssec { get; init; } = DnssecStatus.Insecure;

    /// <inheritdoc />
    public override string ToString() => $"{Host}:{Port.ToString(System.Globalization.CultureInfo.InvariantCulture)} ({(DirectTls ? "direct TLS" : "STARTTLS")}, {Origin})";
}

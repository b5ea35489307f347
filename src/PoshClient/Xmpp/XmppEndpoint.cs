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
    public SrvRecord? SrvRecord { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Host}:{Port.ToString(System.Globalization.CultureInfo.InvariantCulture)} ({(DirectTls ? "direct TLS" : "STARTTLS")}, {Origin})";
}

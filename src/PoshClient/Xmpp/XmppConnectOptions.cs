namespace PoshClient.Xmpp;

/// <summary>Per-connection options of <see cref="XmppConnector.ConnectAsync"/>.</summary>
public sealed class XmppConnectOptions
{
    /// <summary>
    /// Connect to this host (name or IP literal) instead of resolving SRV records (RFC 6120 §3.2.3). The
    /// certificate is still checked for the domain, never for this host. Default: null (use DNS).
    /// </summary>
    public string? Host { get; set; }

    /// <summary>The port for <see cref="Host"/>. Default: 5222 (c2s) or 5269 (s2s); required with <see cref="DirectTls"/>.</summary>
    public int? Port { get; set; }

    /// <summary>With <see cref="Host"/>: use XEP-0368 direct TLS instead of STARTTLS. Default false.</summary>
    public bool DirectTls { get; set; }

    /// <summary>For s2s: the sending domain, put in the stream header's <c>from</c> (RFC 6120 §4.7.1). Default null.</summary>
    public string? From { get; set; }

    /// <summary>How STARTTLS and direct TLS SRV records are ordered. Default <see cref="XmppTransportPreference.Mixed"/>.</summary>
    public XmppTransportPreference TransportPreference { get; set; } = XmppTransportPreference.Mixed;

    /// <summary>Time allowed for one TCP connect to one address. Default 10 s; range 100 ms – 2 min.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Time allowed, per connected address, for the stream, STARTTLS, the TLS handshake and the certificate
    /// decision (POSH included). Default 30 s; range 1 s – 5 min.
    /// </summary>
    public TimeSpan NegotiationTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

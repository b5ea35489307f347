namespace PoshClient.Xmpp;

/// <summary>How a connection attempt ended; for several endpoints, the one that got furthest.</summary>
public enum XmppConnectStatus
{
    /// <summary>TLS is up, the certificate is accepted, and the stream features after TLS were read.</summary>
    Connected,

    /// <summary>The SRV answer was "." : the domain decidedly does not offer the service (RFC 6120 §3.2.1 step 3).</summary>
    ServiceNotOffered,

    /// <summary>DNS gave no usable endpoint or address.</summary>
    ResolutionFailed,

    /// <summary>No address accepted a TCP connection in time.</summary>
    ConnectFailed,

    /// <summary>A TCP connection was made, but the stream, STARTTLS or the TLS handshake failed.</summary>
    NegotiationFailed,

    /// <summary>TLS completed, but the certificate was accepted by no prooftype (or DANE rejected it).</summary>
    CertificateRejected,

    /// <summary>
    /// A DNSSEC validation failure (a bogus SRV, address or TLSA answer, or a failed TLSA lookup where DANE applies):
    /// the endpoint is not used, and nothing falls back past it (RFC 7673 §3, RFC 4035 §5.5).
    /// </summary>
    DnssecFailed,
}

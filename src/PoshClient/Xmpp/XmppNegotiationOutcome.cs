namespace PoshClient.Xmpp;

/// <summary>How the negotiation on one connected address ended.</summary>
internal sealed record XmppNegotiationOutcome
{
    public required XmppConnectStatus Status { get; init; }

    public string? Error { get; init; }

    public XmppConnection? Connection { get; init; }

    public CertificateValidationResult? Certificate { get; init; }

    public string? TlsProtocol { get; init; }

    public string? ApplicationProtocol { get; init; }
}

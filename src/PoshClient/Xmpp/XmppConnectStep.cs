namespace PoshClient.Xmpp;

/// <summary>One timed step of a connection attempt: DNS, TCP, stream, STARTTLS, TLS, certificate, POSH.</summary>
public sealed record XmppConnectStep
{
    /// <summary>"dns", "tcp", "stream", "starttls", "tls", "certificate" or "stream-after-tls".</summary>
    public required string Name { get; init; }

    /// <summary>What was done and what came of it.</summary>
    public required string Detail { get; init; }

    /// <summary>Offset from the start of <see cref="XmppConnector.ConnectAsync"/>.</summary>
    public required TimeSpan Started { get; init; }

    /// <summary>How long it took.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>Whether it succeeded.</summary>
    public required bool Succeeded { get; init; }

    /// <summary>For a DNS step (SRV, A/AAAA, TLSA): the answer's DNSSEC status; null for other steps.</summary>
    public PoshClient.Dane.DnssecStatus? Dnssec { get; init; }
}

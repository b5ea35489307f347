using System.Diagnostics.CodeAnalysis;

namespace PoshClient.Xmpp;

/// <summary>The outcome of <see cref="XmppConnector.ConnectAsync"/>: a connection, or a reason.</summary>
public sealed record XmppConnectResult
{
    /// <summary>How it ended.</summary>
    public required XmppConnectStatus Status { get; init; }

    /// <summary>
    /// A sentence an operator can act on, e.g. "no endpoint accepted a connection: 127.0.0.1:5222 connection refused"
    /// or "certificate for example.com rejected: PKIX: …; POSH: …".
    /// </summary>
    public required string Reason { get; init; }

    /// <summary>The authenticated stream when <see cref="Status"/> is <see cref="XmppConnectStatus.Connected"/>; the caller disposes it.</summary>
    public XmppConnection? Connection { get; init; }

    /// <summary>What was tried, how long each step took, and the certificate decision.</summary>
    public required XmppConnectReport Report { get; init; }

    /// <summary>True when connected.</summary>
    [MemberNotNullWhen(true, nameof(Connection))]
    public bool IsConnected => Status == XmppConnectStatus.Connected && Connection is not null;
}

using System.Net;

namespace PoshClient.Xmpp;

/// <summary>One address of one endpoint that was tried, and how it ended.</summary>
public sealed record XmppConnectAttempt
{
    /// <summary>The endpoint.</summary>
    public required XmppEndpoint Endpoint { get; init; }

    /// <summary>The address dialled, or null when the host name did not resolve.</summary>
    public IPEndPoint? Address { get; init; }

    /// <summary>Null on success; otherwise what went wrong, e.g. "connection refused".</summary>
    public string? Error { get; init; }

    /// <summary>How far the attempt got.</summary>
    public required XmppConnectStatus Status { get; init; }
}

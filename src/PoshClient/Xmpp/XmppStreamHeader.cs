namespace PoshClient.Xmpp;

/// <summary>The attributes of a received <c>&lt;stream:stream&gt;</c> header (RFC 6120 §4.7).</summary>
internal sealed record XmppStreamHeader
{
    public required string? Id { get; init; }

    public required string? From { get; init; }

    public required string? Version { get; init; }

    /// <summary>The default namespace of the stream content (jabber:client or jabber:server).</summary>
    public required string DefaultNamespace { get; init; }
}

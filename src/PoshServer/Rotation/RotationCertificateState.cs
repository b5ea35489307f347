namespace PoshServer.Rotation;

/// <summary>
/// One certificate a set has published: when it was first published (the start of its safe-at clock), when the XMPP
/// servers started and stopped presenting it, and its DER, so it can stay published after its file was overwritten.
/// </summary>
internal sealed record RotationCertificateState
{
    /// <summary>Padded base64 sha-256 of the DER, as in documents.</summary>
    public required string Sha256 { get; init; }

    public required string Subject { get; init; }

    public required DateTimeOffset NotBefore { get; init; }

    public required DateTimeOffset NotAfter { get; init; }

    /// <summary>The file it was read from.</summary>
    public required string Path { get; init; }

    /// <summary>The certificate (public data only), base64 DER.</summary>
    public required string Der { get; init; }

    public required DateTimeOffset FirstPublished { get; init; }

    public DateTimeOffset? PresentedSince { get; init; }

    /// <summary>When the XMPP servers stopped presenting it (a switch); its caches drain from here.</summary>
    public DateTimeOffset? PresentedUntil { get; init; }
}

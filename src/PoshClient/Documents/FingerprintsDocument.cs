namespace PoshClient.Documents;

/// <summary>
/// A fingerprints document (RFC 7711 §3.1): the certificates that may speak for a domain, and for how many
/// seconds a client may rely on that statement.
/// </summary>
public sealed record FingerprintsDocument
{
    /// <summary>Descriptors, most relevant first (RFC 7711 §3.1 SHOULD): the newest certificate, then the one soonest to expire.</summary>
    public required IReadOnlyList<FingerprintDescriptor> Fingerprints { get; init; }

    /// <summary>Seconds after which the material is stale (RFC 7711 §3.1). 0 means invalid; we always publish ≥ 1.</summary>
    public required long Expires { get; init; }
}

namespace PoshClient.Documents;

/// <summary>
/// A reference document (RFC 7711 §3.2): delegates to the fingerprints document at <see cref="Url"/>.
/// It is exactly one hop: the target must not be another reference.
/// </summary>
internal sealed record ReferenceDocument
{
    /// <summary>The absolute https URI of the fingerprints document ("url" for historical reasons, RFC 7711 §3.2).</summary>
    public required Uri Url { get; init; }

    /// <summary>Seconds after which the delegation is stale. 0 means invalid; we always publish ≥ 1.</summary>
    public required long Expires { get; init; }
}

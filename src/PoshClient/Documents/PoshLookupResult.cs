namespace PoshClient.Documents;

/// <summary>
/// The POSH material for (domain, service): the fingerprints document that applies, its effective lifetime
/// (the lower <c>expires</c> across a reference, RFC 7711 §6) and the trace of every request made.
/// </summary>
public sealed record PoshLookupResult
{
    /// <summary>The domain looked up, in A-label form (RFC 9525 §6.3).</summary>
    public required string Domain { get; init; }

    /// <summary>The POSH service.</summary>
    public required PoshService Service { get; init; }

    /// <summary>How the lookup ended.</summary>
    public required PoshLookupStatus Status { get; init; }

    /// <summary>The fingerprints document when <see cref="Status"/> is <see cref="PoshLookupStatus.Found"/>.</summary>
    public FingerprintsDocument? Document { get; init; }

    /// <summary>min(expires) over the chain in seconds (RFC 7711 §6), when documents were read.</summary>
    public long? EffectiveExpires { get; init; }

    /// <summary>When the material was fetched.</summary>
    public required DateTimeOffset FetchedAt { get; init; }

    /// <summary>When this result stops being served from cache (effective expiry capped by policy, or the negative-cache time).</summary>
    public required DateTimeOffset CacheUntil { get; init; }

    /// <summary>Every request made, in order.</summary>
    public required IReadOnlyList<PoshFetchStep> Trace { get; init; }

    /// <summary>Ignored values in the documents read (e.g. a wrong-length digest).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>True when this result was served from the cache rather than fetched for this call.</summary>
    public bool FromCache { get; init; }

    /// <summary>What was fetched and what came back, e.g. <c>POSH: fetched https://… → 200 fingerprints (2 descriptors, expires 3600)</c>.</summary>
    public required string Reason { get; init; }

    /// <summary>True when <see cref="Document"/> holds usable material.</summary>
    public bool IsFound => Status == PoshLookupStatus.Found && Document is not null;
}

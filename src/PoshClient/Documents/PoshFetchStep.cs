namespace PoshClient.Documents;

/// <summary>One HTTP request of a POSH lookup, for reasons, logs and reports.</summary>
public sealed record PoshFetchStep
{
    /// <summary>The URL requested.</summary>
    public required Uri Url { get; init; }

    /// <summary>The HTTP status, or null when no response arrived (connection, TLS or time-out failure).</summary>
    public int? StatusCode { get; init; }

    /// <summary>What the step produced, e.g. <c>reference to https://… (expires 86400)</c> or <c>redirect to https://…</c>.</summary>
    public required string Outcome { get; init; }

    /// <summary>Body bytes read (at most the cap plus one).</summary>
    public long Bytes { get; init; }

    /// <summary>The document's <c>expires</c>, when a document was read.</summary>
    public long? Expires { get; init; }

    /// <summary>The step as reason text: <c>200 reference to … (expires 86400)</c>.</summary>
    public override string ToString() => StatusCode is { } status ? $"{status} {Outcome}" : Outcome;
}

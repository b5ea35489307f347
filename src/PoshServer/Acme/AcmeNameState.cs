namespace PoshServer.Acme;

/// <summary>
/// Durable per-name state (one JSON file per name). It carries the backoff across restarts and the order in flight,
/// so a process killed mid-issuance resumes that order instead of starting another.
/// </summary>
internal sealed record AcmeNameState
{
    public required string HostName { get; init; }

    public AcmeNameStatus Status { get; init; }

    public DateTimeOffset? NotBefore { get; init; }

    public DateTimeOffset? NotAfter { get; init; }

    /// <summary>When the current certificate is due for renewal (about 2/3 of its lifetime, with jitter).</summary>
    public DateTimeOffset? RenewAt { get; init; }

    /// <summary>Not before this time may another attempt start (backoff or Retry-After).</summary>
    public DateTimeOffset? NextAttempt { get; init; }

    public int FailureCount { get; init; }

    public string? LastError { get; init; }

    public DateTimeOffset? LastAttempt { get; init; }

    /// <summary>The order in flight; its new key is in the pending-key file.</summary>
    public Uri? PendingOrderUrl { get; init; }

    /// <summary>
    /// Set just before a new-order request and cleared once its URL is recorded: after a kill in between, the order the
    /// CA made is looked up in the account's orders list (RFC 8555 §7.1.2.1) instead of ordering again.
    /// </summary>
    public DateTimeOffset? OrderIntentAt { get; init; }

    /// <summary>SHA-256 thumbprint of the installed leaf, for operators.</summary>
    public string? CertificateThumbprint { get; init; }

    /// <summary>The earliest time a new attempt may start: renewal or retry, whichever applies.</summary>
    public DateTimeOffset DueAt(DateTimeOffset now)
    {
        var due = RenewAt ?? now;
        if (NextAttempt is { } next && next > due)
        {
            due = next;
        }

        return due;
    }
}

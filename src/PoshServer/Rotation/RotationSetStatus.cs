namespace PoshServer.Rotation;

/// <summary>One certificate set's rotation state, for <c>certificates rotation</c>, the status page and metrics.</summary>
internal sealed record RotationSetStatus
{
    public required string Set { get; init; }

    public required RotationPhase Phase { get; init; }

    /// <summary>What the XMPP servers present now (the deployed file, or the set's certificates without one).</summary>
    public required IReadOnlyList<RotationCertificateInfo> Current { get; init; }

    public RotationCertificateInfo? Next { get; init; }

    /// <summary>When deploying <see cref="Next"/> becomes safe: first published + longest expires + margin.</summary>
    public DateTimeOffset? SafeAt { get; init; }

    /// <summary>The TLSA TTL counted in <see cref="SafeAt"/> when DANE is on (Rotation:DaneTlsaTtl); null otherwise.</summary>
    public TimeSpan? TlsaTtl { get; init; }

    /// <summary>The next key's DANE-EE record ("3 1 1 …", RFC 7671 §5.1) to publish before safe-at, when DANE is on.</summary>
    public string? NextTlsa { get; init; }

    /// <summary>Old certificates still published while caches drain.</summary>
    public required IReadOnlyList<RotationCertificateInfo> Retiring { get; init; }

    /// <summary>The longest <c>expires</c> any client may hold for this set, in seconds (max over its tenants and the default).</summary>
    public required long MaxExpires { get; init; }

    public required TimeSpan Margin { get; init; }

    public required bool Automatic { get; init; }

    public RotationSwitchOutcome? LastSwitch { get; init; }

    /// <summary>What needs the operator, if anything.</summary>
    public string? Note { get; init; }
}

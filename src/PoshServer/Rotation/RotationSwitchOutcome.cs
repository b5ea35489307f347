namespace PoshServer.Rotation;

/// <summary>How an automatic switch went: files copied, reload command run.</summary>
internal sealed record RotationSwitchOutcome
{
    public required DateTimeOffset At { get; init; }

    /// <summary>The certificate that was being deployed.</summary>
    public required string Sha256 { get; init; }

    public required bool Succeeded { get; init; }

    public required string Message { get; init; }

    /// <summary>The replica that ran the switch (a cluster store); null on a single server.</summary>
    public string? Replica { get; init; }

    /// <summary>The fencing token of the set's switch lease it ran under: a later switch always has a larger one.</summary>
    public long? FencingToken { get; init; }
}

namespace PoshServer.Rotation;

/// <summary>How an automatic switch went: files copied, reload command run.</summary>
internal sealed record RotationSwitchOutcome
{
    public required DateTimeOffset At { get; init; }

    /// <summary>The certificate that was being deployed.</summary>
    public required string Sha256 { get; init; }

    public required bool Succeeded { get; init; }

    public required string Message { get; init; }
}

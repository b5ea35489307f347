namespace PoshServer.Rotation;

/// <summary>One set's remembered certificates and its last automatic switch.</summary>
internal sealed record RotationSetState
{
    public static RotationSetState Empty { get; } = new() { Certificates = [] };

    public required IReadOnlyList<RotationCertificateState> Certificates { get; init; }

    public RotationSwitchOutcome? LastSwitch { get; init; }
}

namespace PoshServer.Rotation;

/// <summary>What rotation remembers across restarts, per certificate set.</summary>
internal sealed record RotationState
{
    public static RotationState Empty { get; } = new() { Sets = new Dictionary<string, RotationSetState>(StringComparer.Ordinal) };

    public required IReadOnlyDictionary<string, RotationSetState> Sets { get; init; }
}

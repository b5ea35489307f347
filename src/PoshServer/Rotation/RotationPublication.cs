namespace PoshServer.Rotation;

/// <summary>A certificate's publication across the cluster: when safe-at counts from, or who it still waits for.</summary>
internal sealed record RotationPublication
{
    /// <summary>The latest start of publication that counts; null while a live replica has not published it.</summary>
    public DateTimeOffset? At { get; init; }

    /// <summary>Live replicas that do not publish it yet (they hold safe-at back).</summary>
    public IReadOnlyList<string> WaitingFor { get; init; } = [];

    /// <summary>When the first of <see cref="WaitingFor"/> stops counting as live if it sends no heartbeat meanwhile.</summary>
    public DateTimeOffset? ReleasedAt { get; init; }
}

namespace PoshServer.Watching;

internal enum FileChangeKind
{
    /// <summary>Written in place (content, size or time).</summary>
    Changed,

    /// <summary>Created in place (may still be being written).</summary>
    Created,

    /// <summary>Deleted.</summary>
    Deleted,

    /// <summary>Renamed: <see cref="FileChange.OldPath"/> is gone, <see cref="FileChange.Path"/> is complete.</summary>
    Renamed,
}

namespace PoshServer.Watching;

/// <summary>One event of a watched directory.</summary>
internal sealed record FileChange
{
    public required FileChangeKind Kind { get; init; }

    /// <summary>The full path the event is about (for a rename, the new name).</summary>
    public required string Path { get; init; }

    /// <summary>For a rename, the old full path; otherwise null.</summary>
    public string? OldPath { get; init; }
}

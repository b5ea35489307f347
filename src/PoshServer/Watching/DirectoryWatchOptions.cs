namespace PoshServer.Watching;

/// <summary>What one <see cref="DirectoryWatch"/> watches.</summary>
internal sealed record DirectoryWatchOptions
{
    /// <summary>The directory (must exist when the watch starts).</summary>
    public required string Directory { get; init; }

    /// <summary>Only names matching this pattern (default: every name).</summary>
    public string Filter { get; init; } = "*";

    /// <summary>Also subdirectories (default: no).</summary>
    public bool IncludeSubdirectories { get; init; }

    /// <summary>Which changes raise events (default: names, writes and sizes).</summary>
    public NotifyFilters NotifyFilter { get; init; } = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size;

    /// <summary>The watcher's event buffer in bytes (default 8 KiB, the platform default; at most 64 KiB). A burst that overflows it raises an error.</summary>
    public int InternalBufferSize { get; init; } = 8192;
}

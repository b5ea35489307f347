namespace PoshServer.Watching;

/// <summary>
/// Starts a <see cref="FileSystemWatcher"/> with every event delivered as one <see cref="FileChange"/> callback, and the
/// watcher's errors (buffer overflow, the directory gone) as another. A directory that vanishes or becomes unreadable
/// between the caller's check and the watch is a result, not an exception: the caller watches again later.
/// </summary>
internal static class DirectoryWatch
{
    /// <summary>The running watcher (the caller disposes it), or null with <paramref name="error"/> when it cannot watch.</summary>
    public static FileSystemWatcher? TryStart(DirectoryWatchOptions options, Action<FileChange> changed, Action<Exception> failed, out string? error)
    {
        error = null;
        if (!Directory.Exists(options.Directory))
        {
            error = $"'{options.Directory}' does not exist";
            return null;
        }

        FileSystemWatcher watcher;
        try
        {
            watcher = new FileSystemWatcher(options.Directory, options.Filter)
            {
                IncludeSubdirectories = options.IncludeSubdirectories,
                NotifyFilter = options.NotifyFilter,
                InternalBufferSize = options.InternalBufferSize,
            };
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
        {
            error = ex.Message;
            return null;
        }

        watcher.Changed += (_, e) => changed(new FileChange { Kind = FileChangeKind.Changed, Path = e.FullPath });
        watcher.Created += (_, e) => changed(new FileChange { Kind = FileChangeKind.Created, Path = e.FullPath });
        watcher.Deleted += (_, e) => changed(new FileChange { Kind = FileChangeKind.Deleted, Path = e.FullPath });
        watcher.Renamed += (_, e) => changed(new FileChange { Kind = FileChangeKind.Renamed, Path = e.FullPath, OldPath = e.OldFullPath });
        watcher.Error += (_, e) => failed(e.GetException());
        try
        {
            watcher.EnableRaisingEvents = true;
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
        {
            error = ex.Message;
            watcher.Dispose();
            return null;
        }

        return watcher;
    }
}

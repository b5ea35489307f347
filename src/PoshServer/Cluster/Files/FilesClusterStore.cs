using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace PoshServer.Cluster.Files;

/// <summary>
/// The single-server store: keys under a registered <see cref="ClusterFileArea"/> are files (written to a temp file
/// in the same directory, flushed, and moved over the target, so a kill leaves the old or the new content; secrets
/// created 0600), everything else lives in memory as it always did (failure reports, check results, heartbeat).
/// </summary>
internal sealed class FilesClusterStore : IClusterStore
{
    public const string TempSuffix = ".tmp";
    private readonly IReadOnlyList<ClusterFileArea> _areas;
    private readonly ConcurrentDictionary<string, ClusterItem> _memory = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _locks = new(StringComparer.Ordinal);
    private readonly Lock _writeGate = new();
    private ReplicaHeartbeat? _heartbeat;
    private long _lockTokens;
    private long _versions;

    private readonly TimeProvider _timeProvider;

    public FilesClusterStore(IEnumerable<ClusterFileArea> areas, IOptions<ClusterOptions> options, TimeProvider timeProvider)
        : this(areas, options.Value.ReplicaName, timeProvider)
    {
    }

    public FilesClusterStore(IEnumerable<ClusterFileArea> areas, string replicaName = "local", TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        _areas = [.. areas.Select(a => a with { Path = System.IO.Path.GetFullPath(a.Path) }).OrderByDescending(a => a.Prefix.Length)];
        ReplicaName = replicaName;
    }

    public string ReplicaName { get; }

    public bool IsShared => false;

    public string? LastError => null;

    public Task<ClusterItem?> GetAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult(Get(key));

    public Task<IReadOnlyList<ClusterItem>> ListAsync(string prefix, string? suffix = null, CancellationToken cancellationToken = default)
    {
        var items = new SortedDictionary<string, ClusterItem>(StringComparer.Ordinal);
        foreach (var item in _memory.Values.Where(i => i.Key.StartsWith(prefix, StringComparison.Ordinal)))
        {
            items[item.Key] = item;
        }

        foreach (var area in _areas)
        {
            if (!area.Prefix.EndsWith('/'))
            {
                if (area.Prefix.StartsWith(prefix, StringComparison.Ordinal) && File.Exists(area.Path))
                {
                    items[area.Prefix] = Read(area.Prefix, area.Path);
                }

                continue;
            }

            string directory;
            if (prefix.StartsWith(area.Prefix, StringComparison.Ordinal))
            {
                var rest = prefix[area.Prefix.Length..];
                var slash = rest.LastIndexOf('/');
                directory = slash < 0 ? area.Path : System.IO.Path.Combine(area.Path, rest[..slash]);
            }
            else if (area.Prefix.StartsWith(prefix, StringComparison.Ordinal))
            {
                directory = area.Path;
            }
            else
            {
                continue;
            }

            if (!Directory.Exists(directory))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
            {
                if (System.IO.Path.GetFileName(file).StartsWith('.'))
                {
                    continue;
                }

                var key = area.Prefix + System.IO.Path.GetRelativePath(area.Path, file).Replace(System.IO.Path.DirectorySeparatorChar, '/');
                if (key.StartsWith(prefix, StringComparison.Ordinal) && (suffix is null || key.EndsWith(suffix, StringComparison.Ordinal)) && !items.ContainsKey(key))
                {
                    try
                    {
                        items[key] = Read(key, file);
                    }
                    catch (FileNotFoundException)
                    {
                        // Deleted while listing.
                    }
                }
            }
        }

        IReadOnlyList<ClusterItem> result = [.. items.Values.Where(i => suffix is null || i.Key.EndsWith(suffix, StringComparison.Ordinal))];
        return Task.FromResult(result);
    }

    public Task PutAsync(IReadOnlyList<ClusterWrite> writes, IClusterLock? fence = null, CancellationToken cancellationToken = default)
    {
        Put(writes, fence);
        return Task.CompletedTask;
    }

    public Task<ClusterItem> AddOrGetAsync(ClusterWrite write, CancellationToken cancellationToken = default)
    {
        lock (_writeGate)
        {
            if (Get(write.Key) is { } existing)
            {
                return Task.FromResult(existing);
            }

            Put([write], fence: null);
            return Task.FromResult(Get(write.Key) ?? throw new ClusterStoreException($"'{write.Key}' vanished right after it was written."));
        }
    }

    private ClusterItem? Get(string key)
    {
        ClusterKeys.Validate(key);
        if (PathOf(key) is not { } path)
        {
            return _memory.GetValueOrDefault(key);
        }

        try
        {
            return File.Exists(path) ? Read(key, path) : null;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private void Put(IReadOnlyList<ClusterWrite> writes, IClusterLock? fence)
    {
        if (fence is { IsHeld: false })
        {
            throw new ClusterLockLostException(fence.Name);
        }

        foreach (var write in writes)
        {
            ClusterKeys.Validate(write.Key);
            if (PathOf(write.Key) is { } path)
            {
                if (write.Value is null)
                {
                    DeleteIfExists(path);
                }
                else
                {
                    WriteAtomic(path, write.Value, write.Secret);
                }
            }
            else if (write.Value is null)
            {
                _memory.TryRemove(write.Key, out _);
            }
            else
            {
                _memory[write.Key] = new ClusterItem { Key = write.Key, Value = write.Value, Version = Interlocked.Increment(ref _versions), UpdatedAt = _timeProvider.GetUtcNow() };
            }
        }
    }

    public Task<IClusterLock?> TryLockAsync(string name, CancellationToken cancellationToken = default)
    {
        var token = Interlocked.Increment(ref _lockTokens);
        IClusterLock? result = _locks.TryAdd(name, token) ? new InProcessClusterLock(_locks, name, token) : null;
        return Task.FromResult(result);
    }

    public Task PublishHeartbeatAsync(ReplicaHeartbeat heartbeat, CancellationToken cancellationToken = default)
    {
        Volatile.Write(ref _heartbeat, heartbeat);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ReplicaHeartbeat>> ListReplicasAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<ReplicaHeartbeat> replicas = Volatile.Read(ref _heartbeat) is { } heartbeat ? [heartbeat] : [];
        return Task.FromResult(replicas);
    }

    // One replica: nobody else changes anything.
    public IChangeToken GetChangeToken() => Microsoft.Extensions.FileProviders.NullChangeToken.Singleton;

    /// <summary>Deletes temp files a killed process left behind under the directory areas; their targets are intact.</summary>
    public int RemoveStaleTempFiles()
    {
        var count = 0;
        foreach (var area in _areas.Where(a => a.Prefix.EndsWith('/') && Directory.Exists(a.Path)))
        {
            foreach (var file in Directory.EnumerateFiles(area.Path, "*" + TempSuffix, SearchOption.AllDirectories))
            {
                File.Delete(file);
                count++;
            }
        }

        return count;
    }

    private string? PathOf(string key)
    {
        foreach (var area in _areas)
        {
            if (area.Prefix.EndsWith('/') ? key.StartsWith(area.Prefix, StringComparison.Ordinal) : string.Equals(key, area.Prefix, StringComparison.Ordinal))
            {
                return area.Prefix.EndsWith('/') ? System.IO.Path.Combine(area.Path, key[area.Prefix.Length..].Replace('/', System.IO.Path.DirectorySeparatorChar)) : area.Path;
            }
        }

        return null;
    }

    private static ClusterItem Read(string key, string path)
    {
        var value = File.ReadAllBytes(path);
        var written = File.GetLastWriteTimeUtc(path);
        return new ClusterItem { Key = key, Value = value, Version = written.Ticks, UpdatedAt = new DateTimeOffset(written, TimeSpan.Zero) };
    }

    private static void DeleteIfExists(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private static void WriteAtomic(string path, byte[] content, bool secret)
    {
        var directory = System.IO.Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temp = System.IO.Path.Combine(directory, "." + System.IO.Path.GetFileName(path) + "." + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)) + TempSuffix);
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (secret && !OperatingSystem.IsWindows())
        {
            // Created 0600: the key is never readable by others, not even for a moment.
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temp, fileOptions))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            if (secret && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}

using System.Collections.Concurrent;

namespace PoshServer.Cluster.Files;

/// <summary>A lock among the callers of one process: with files there is only one replica.</summary>
internal sealed class InProcessClusterLock(ConcurrentDictionary<string, long> held, string name, long token) : IClusterLock
{
    public string Name => name;

    public long Token => token;

    public bool IsHeld => held.TryGetValue(name, out var current) && current == token;

    public ValueTask DisposeAsync()
    {
        held.TryRemove(new KeyValuePair<string, long>(name, token));
        return ValueTask.CompletedTask;
    }
}

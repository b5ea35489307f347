namespace PoshServer.Https;

/// <summary>
/// Connections open on the listeners now, and the most that were open since the last memory reclaim: what
/// <see cref="IdleMemoryReclaimer"/> watches to tell that a crowd of connections has gone.
/// </summary>
internal sealed class OpenConnectionCounter
{
    private long _open;
    private long _highWater;

    public long Open => Interlocked.Read(ref _open);

    public long HighWater => Interlocked.Read(ref _highWater);

    public void Opened()
    {
        var open = Interlocked.Increment(ref _open);
        var highWater = Interlocked.Read(ref _highWater);
        while (open > highWater)
        {
            var seen = Interlocked.CompareExchange(ref _highWater, open, highWater);
            if (seen == highWater)
            {
                break;
            }

            highWater = seen;
        }
    }

    public void Closed() => Interlocked.Decrement(ref _open);

    /// <summary>Starts a new high-water mark from the connections open now.</summary>
    public void ResetHighWater() => Interlocked.Exchange(ref _highWater, Open);
}

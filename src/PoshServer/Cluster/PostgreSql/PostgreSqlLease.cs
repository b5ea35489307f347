namespace PoshServer.Cluster.PostgreSql;

/// <summary>
/// A lease in <c>posh_locks</c>, renewed every third of its time to live until disposed. It counts as lost when a
/// renewal finds it taken over, or when no renewal succeeded for a whole time to live (the store was unreachable, so
/// another replica may have taken it).
/// </summary>
internal sealed class PostgreSqlLease : IClusterLock
{
    private readonly PostgreSqlClusterStore _store;
    private readonly TimeSpan _ttl;
    private readonly TimeProvider _timeProvider;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewals;
    private long _heldUntilTicks;
    private int _lost;

    public PostgreSqlLease(PostgreSqlClusterStore store, string name, long token, TimeSpan ttl, TimeProvider timeProvider)
    {
        _store = store;
        Name = name;
        Token = token;
        _ttl = ttl;
        _timeProvider = timeProvider;
        _heldUntilTicks = timeProvider.GetTimestamp() + (long)(ttl.TotalSeconds * timeProvider.TimestampFrequency);
        _renewals = RenewAsync(_stop.Token);
    }

    public string Name { get; }

    public long Token { get; }

    public bool IsHeld => Volatile.Read(ref _lost) == 0 && _timeProvider.GetTimestamp() < Volatile.Read(ref _heldUntilTicks);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _renewals;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stop.Dispose();
        if (Volatile.Read(ref _lost) == 0)
        {
            await _store.ReleaseAsync(this);
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        var period = _ttl / 3;
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(period, _timeProvider, cancellationToken);
            var started = _timeProvider.GetTimestamp();
            switch (await _store.RenewAsync(this, _ttl, cancellationToken))
            {
                case true:
                    Volatile.Write(ref _heldUntilTicks, started + (long)(_ttl.TotalSeconds * _timeProvider.TimestampFrequency));
                    break;
                case false:
                    Volatile.Write(ref _lost, 1);
                    return;
                case null:
                    // Unreachable: keep trying; IsHeld turns false when the time to live runs out.
                    break;
            }
        }
    }
}

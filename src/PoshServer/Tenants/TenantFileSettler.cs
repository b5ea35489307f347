using Microsoft.Extensions.Options;

namespace PoshServer.Tenants;

/// <summary>
/// Holds back a tenant file written in place until it has settled: its size and modification time unchanged over a
/// quiet period and a re-read giving the same bytes as the read before it. A writer that stops between two parts
/// (cut at a line break, the first part is valid YAML) would otherwise have the first part published, and peers
/// cache what they fetched for its <c>expires</c> (issue 13). A file put in place by rename is complete by
/// construction and never waits here.
/// </summary>
internal sealed class TenantFileSettler : IDisposable
{
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _quiet;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly ITimer _timer;
    private bool _disposed;

    public TenantFileSettler(TimeProvider timeProvider, IOptions<TenantsOptions> options)
    {
        _timeProvider = timeProvider;
        _quiet = options.Value.SettleTime;
        _timer = timeProvider.CreateTimer(_ => Check(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private Action<string>? _settled;

    /// <summary>Who is told when a file has settled (the reload service): the catalog should look at it now.</summary>
    public void WhenSettled(Action<string>? callback) => Volatile.Write(ref _settled, callback);

    /// <summary>The quiet period; zero turns settling off.</summary>
    public TimeSpan Quiet => _quiet;

    /// <summary>Whether <paramref name="path"/> is waiting to settle (a full load then keeps its last version).</summary>
    public bool IsPending(string path)
    {
        lock (_gate)
        {
            return _pending.ContainsKey(path);
        }
    }

    /// <summary>Files still waiting to settle (for tests and diagnostics).</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>The file was written in place (or created): (re)start its quiet period from what it holds now.</summary>
    public void Written(string path)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _pending[path] = Look(path, _timeProvider.GetUtcNow() + _quiet);
            Arm();
        }
    }

    /// <summary>The file was replaced by a rename or deleted: whatever was pending for it is superseded.</summary>
    public void Forget(string path)
    {
        lock (_gate)
        {
            _pending.Remove(path);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _pending.Clear();
        }

        _timer.Dispose();
    }

    private void Check()
    {
        var settled = new List<string>();
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            foreach (var (path, pending) in _pending.Where(p => p.Value.Due <= now).ToList())
            {
                var again = Look(path, now + _quiet);
                if (again.Bytes is null || pending.Bytes is null || (again.Stamp == pending.Stamp && again.Bytes.AsSpan().SequenceEqual(pending.Bytes)))
                {
                    // Settled, or no longer readable: either way the catalog looks at it now (and keeps the last good
                    // version if it cannot read it).
                    _pending.Remove(path);
                    settled.Add(path);
                }
                else
                {
                    // Still changing although no event said so (coalesced or missed): another quiet period.
                    _pending[path] = again;
                }
            }

            Arm();
        }

        foreach (var path in settled)
        {
            Volatile.Read(ref _settled)?.Invoke(path);
        }
    }

    private void Arm()
    {
        if (_pending.Count == 0)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var due = _pending.Values.Min(p => p.Due) - _timeProvider.GetUtcNow();
        _timer.Change(due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
    }

    private static Pending Look(string path, DateTimeOffset due)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length > 1_048_576)
            {
                return new Pending(due, null, null);
            }

            return new Pending(due, TenantFileStamp.Of(info), File.ReadAllBytes(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new Pending(due, null, null);
        }
    }

    private sealed record Pending(DateTimeOffset Due, TenantFileStamp? Stamp, byte[]? Bytes);
}

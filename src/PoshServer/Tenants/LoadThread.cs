using System.Collections.Concurrent;

namespace PoshServer.Tenants;

/// <summary>
/// The one thread that runs tenant reloads while the server serves (issue 9: throughput during reloads). A full load
/// of 100,000 files is a second or more of CPU. Run on the thread pool (and reading files on every pool thread), it
/// took the workers the requests needed: with the server on one core, back-to-back SIGHUP reloads left 0.03× of
/// the steady throughput, with time-outs. On its own thread a reload competes with the requests for the core as one
/// thread among theirs, and the pool stays theirs.
/// <para>
/// It runs at the request threads' priority, and a reload yields by sleeping instead (<see cref="ReloadPacer"/>). A
/// higher nice value for this thread alone would let requests go first, but Linux gives every thread a thread creates
/// its creator's nice value, and this thread cannot control which threads the runtime creates from it (thread-pool
/// workers when it queues work, the tiered-compilation worker): they would serve requests at the lower priority, and
/// an unprivileged process cannot raise it back.
/// </para>
/// </summary>
internal sealed class LoadThread : IDisposable
{
    private readonly BlockingCollection<Action> _work = [];
    private readonly Lock _startGate = new();
    private Thread? _thread;

    /// <summary>Runs <paramref name="work"/> on the load thread after the work queued before it.</summary>
    public Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken = default)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (cancellationToken.IsCancellationRequested)
        {
            completion.SetCanceled(cancellationToken);
            return completion.Task;
        }

        if (!TryAdd(() =>
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    completion.TrySetCanceled(cancellationToken);
                    return;
                }

                try
                {
                    completion.TrySetResult(work());
                }
                catch (Exception ex)
                {
                    completion.TrySetException(ex);
                }
            }))
        {
            completion.TrySetCanceled(CancellationToken.None);
        }

        return completion.Task;
    }

    /// <summary>Queues <paramref name="work"/>, which must not throw (nothing would observe it), unless disposed.</summary>
    public void Post(Action work) => TryAdd(work);

    public void Dispose() => _work.CompleteAdding();

    private bool TryAdd(Action work)
    {
        Start();
        try
        {
            _work.Add(work);
            return true;
        }
        catch (InvalidOperationException)
        {
            // Disposed: the host is stopping, nothing more runs.
            return false;
        }
    }

    private void Start()
    {
        if (Volatile.Read(ref _thread) is not null)
        {
            return;
        }

        lock (_startGate)
        {
            if (_thread is null)
            {
                var thread = new Thread(Run) { IsBackground = true, Name = "Tenant loads" };
                thread.Start();
                Volatile.Write(ref _thread, thread);
            }
        }
    }

    private void Run()
    {
        foreach (var item in _work.GetConsumingEnumerable())
        {
            item();
        }
    }
}

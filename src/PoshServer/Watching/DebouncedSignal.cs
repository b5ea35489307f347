namespace PoshServer.Watching;

/// <summary>
/// The debounce shared by everything that watches files: watchers call <see cref="Signal"/> on every event, and one
/// background loop waits in <see cref="WaitAsync"/>. Editors, config management and renewal tools write through temp
/// files and renames, so one logical change arrives as a burst of events: the signals of a burst, and those that arrive
/// during the debounce, wake the loop once. The loop looks at the files after the debounce, so nothing absorbed is missed.
/// </summary>
internal sealed class DebouncedSignal(TimeSpan debounce, TimeProvider timeProvider) : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);
    // 1 while a wake-up is pending: the events of a burst release the semaphore once, without an exception each
    // (a burst of 100,000 file events was 100,000 SemaphoreFullExceptions).
    private int _pending;

    /// <summary>Wakes the waiting loop (or the next wait). Safe from any thread, any number of times, and after disposal.</summary>
    public void Signal()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 1)
        {
            // A wake-up is already pending; it covers this event too.
            return;
        }

        try
        {
            _signal.Release();
        }
        catch (ObjectDisposedException)
        {
            // Shutting down.
        }
    }

    /// <summary>
    /// Waits for a signal, or for <paramref name="poll"/> to pass (<see cref="Timeout.InfiniteTimeSpan"/>: no polling),
    /// then for the debounce; signals that arrived meanwhile are absorbed. True when signalled, false when polled.
    /// </summary>
    public async Task<bool> WaitAsync(TimeSpan poll, CancellationToken cancellationToken)
    {
        var signalled = true;
        if (poll == Timeout.InfiniteTimeSpan)
        {
            await _signal.WaitAsync(cancellationToken);
        }
        else
        {
            using var timeout = new CancellationTokenSource(poll, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            try
            {
                await _signal.WaitAsync(linked.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The poll interval passed without an event.
                signalled = false;
            }
        }

        if (debounce > TimeSpan.Zero)
        {
            await Task.Delay(debounce, timeProvider, cancellationToken);
        }

        // Events that arrived during the debounce are covered by what the caller does next. Drain first, then clear the
        // flag: a signal between the two is covered too, and a later one releases the semaphore again.
        _signal.Wait(0, CancellationToken.None);
        Volatile.Write(ref _pending, 0);
        return signalled;
    }

    public void Dispose() => _signal.Dispose();
}

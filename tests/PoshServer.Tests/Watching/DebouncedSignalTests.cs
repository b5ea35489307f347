using Microsoft.Extensions.Time.Testing;
using PoshServer.Watching;

namespace PoshServer.Tests.Watching;

/// <summary>The debounce both file-watching loops (tenants, HTTPS certificate files) share.</summary>
public sealed class DebouncedSignalTests
{
    private static readonly TimeSpan s_debounce = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task WaitAsync_SignalledBeforeWaiting_ReturnsTrueAfterTheDebounce()
    {
        var time = new FakeTimeProvider();
        using var signal = new DebouncedSignal(s_debounce, time);
        signal.Signal();

        var wait = signal.WaitAsync(Timeout.InfiniteTimeSpan, CancellationToken.None);
        Assert.False(wait.IsCompleted);
        time.Advance(s_debounce);

        Assert.True(await wait);
    }

    [Fact]
    public async Task WaitAsync_BurstOfSignals_WakesOnce()
    {
        var time = new FakeTimeProvider();
        using var signal = new DebouncedSignal(s_debounce, time);
        signal.Signal();
        var first = signal.WaitAsync(Timeout.InfiniteTimeSpan, CancellationToken.None);

        // The rest of the burst arrives during the debounce.
        signal.Signal();
        signal.Signal();
        signal.Signal();
        time.Advance(s_debounce);
        Assert.True(await first);

        var second = signal.WaitAsync(Timeout.InfiniteTimeSpan, CancellationToken.None);
        Assert.False(second.IsCompleted);
        signal.Signal();
        // This wait resumes on the thread pool (SemaphoreSlim runs a waiter's continuation asynchronously), so its
        // debounce timer may start only after one Advance: advance until it has fired, or the test hangs.
        while (!second.IsCompleted)
        {
            time.Advance(s_debounce);
            await Task.Yield();
        }

        Assert.True(await second);
    }

    [Fact]
    public async Task Signal_BurstOfThousands_ThrowsNothingAndWakesOnce()
    {
        var time = new FakeTimeProvider();
        using var signal = new DebouncedSignal(s_debounce, time);
        var thrown = 0;
        void Count(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            if (e.Exception is SemaphoreFullException)
            {
                Interlocked.Increment(ref thrown);
            }
        }

        AppDomain.CurrentDomain.FirstChanceException += Count;
        try
        {
            Parallel.For(0, 10_000, _ => signal.Signal());
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Count;
        }

        var first = signal.WaitAsync(Timeout.InfiniteTimeSpan, CancellationToken.None);
        time.Advance(s_debounce);
        Assert.True(await first);
        Assert.False(signal.WaitAsync(Timeout.InfiniteTimeSpan, CancellationToken.None).IsCompleted);
        Assert.Equal(0, thrown);
    }

    [Fact]
    public async Task WaitAsync_PollIntervalPassesWithoutSignal_ReturnsFalse()
    {
        var time = new FakeTimeProvider();
        using var signal = new DebouncedSignal(TimeSpan.Zero, time);

        var wait = signal.WaitAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.False(await wait);
    }

    [Fact]
    public async Task WaitAsync_Cancelled_Throws()
    {
        using var signal = new DebouncedSignal(s_debounce, new FakeTimeProvider());
        using var cancel = new CancellationTokenSource();

        var wait = signal.WaitAsync(TimeSpan.FromMinutes(1), cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }

    [Fact]
    public void Signal_AfterDispose_DoesNotThrow()
    {
        var signal = new DebouncedSignal(s_debounce, new FakeTimeProvider());
        signal.Dispose();

        signal.Signal();
    }
}

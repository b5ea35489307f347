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
        time.Advance(s_debounce);
        Assert.True(await second);
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

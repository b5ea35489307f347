using PoshServer.Tenants;

namespace PoshServer.Tests.Tenants;

/// <summary>
/// Reloads run on one thread of their own, off the thread pool the requests need (issue 9: throughput during
/// reloads), one after the other, and a failing load reaches its caller.
/// </summary>
public sealed class LoadThreadTests
{
    [Fact]
    public async Task RunAsync_RunsOnTheLoadThread()
    {
        // Arrange
        using var loads = new LoadThread();

        // Act
        var (name, pool) = await loads.RunAsync(() => (Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread));

        // Assert
        Assert.Equal("Tenant loads", name);
        Assert.False(pool);
    }

    [Fact]
    public async Task RunAsync_InOrder_AndAFailureReachesTheCaller()
    {
        // Arrange
        using var loads = new LoadThread();
        var order = new List<int>();

        // Act
        var first = loads.RunAsync(() => { Thread.Sleep(50); order.Add(1); return 1; });
        var failing = loads.RunAsync<int>(() => throw new InvalidOperationException("broken load"));
        var third = loads.RunAsync(() => { order.Add(3); return 3; });
        await Task.WhenAll(first, third);

        // Assert
        Assert.Equal([1, 3], order);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal("broken load", ex.Message);
    }

    [Fact]
    public async Task RunAsync_AfterDispose_IsCancelled()
    {
        // Arrange
        var loads = new LoadThread();
        loads.Dispose();

        // Act / Assert
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loads.RunAsync(() => 1));
    }
}

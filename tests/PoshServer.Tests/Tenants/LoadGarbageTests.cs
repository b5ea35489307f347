using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using PoshServer.Tenants;

namespace PoshServer.Tests.Tenants;

/// <summary>
/// The garbage of a full load is collected once the snapshot is swapped in (issue 9: RSS after 20 reloads equal to RSS
/// at ready) when it is worth a pause, and a watcher's incremental change, which allocates only for the files it names,
/// pays no collection.
/// </summary>
public sealed class LoadGarbageTests : IDisposable
{
    private readonly TenantWorld _world = new();

    public void Dispose() => _world.Dispose();

    [Fact]
    public void FirstLoad_CollectsItsGarbage_IncrementalChangesDoNot()
    {
        _world.WriteTenant("a.yaml", "domain: a.example\n");
        _world.WriteTenant("b.yaml", "domain: b.example\n");
        var logger = new FakeLogger<TenantStore>();
        using var store = CreateStore(logger);

        Assert.False(store.LoadInitial().HasErrors);
        Assert.Equal(1, Collections(logger));

        _world.WriteTenant("b.yaml", "domain: b.example\nexpires: 120\n");
        store.Reload("file change", [Path.Combine(_world.Path, "b.yaml")]);
        Assert.Equal(1, Collections(logger));
        Assert.Equal(120, store.Current.Tenants["b.example"].Tenant.Expires);
    }

    [Theory]
    [InlineData(10_000_000, 0, true)] // the first load
    [InlineData(80_000_000, 70_000_000, false)] // a small load's garbage: not worth a pause
    [InlineData(90_000_000, 70_000_000, true)] // 20 MB: over 16 MB and over a quarter of 70 MB
    [InlineData(250_000_000, 200_000_000, true)]
    [InlineData(240_000_000, 200_000_000, false)] // 40 MB < a quarter of 200 MB
    [InlineData(30_000_000, 20_000_000, false)] // 10 MB < 16 MB
    public void IsWorthCollecting_Table(long heap, long heapAfterLast, bool expected) =>
        Assert.Equal(expected, LoadGarbage.IsWorthCollecting(heap, heapAfterLast));

    [Fact]
    public void Collect_ReturnsTheManagedHeapAfterTheCollection() => Assert.True(LoadGarbage.Collect() > 0);

    private static int Collections(FakeLogger logger) =>
        logger.Collector.GetSnapshot().Count(r => r.Id.Name == "LoadGarbageCollected");

    private TenantStore CreateStore(FakeLogger<TenantStore> logger) => _world.CreateStore(new FakeTimeProvider(DateTimeOffset.UtcNow), logger);
}

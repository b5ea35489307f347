using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using PoshServer.Health;
using PoshServer.Tenants;

namespace PoshServer.Tests.Health;

/// <summary>Issue 13: every failed load shows in health with its reason, not only in the log.</summary>
public sealed class TenantsHealthCheckTests : IDisposable
{
    private readonly TenantWorld _world = new();

    public void Dispose() => _world.Dispose();

    [Fact]
    public async Task Issue13_ReloadThatThrows_IsDegradedWithTheReason()
    {
        _world.WriteTenant("example.com.yaml", "domain: example.com\n");
        using var store = CreateStore();
        Assert.False(store.LoadInitial().HasErrors);

        store.RecordFailure("SIGHUP", new IOException("Permission denied"));
        var health = await new TenantsHealthCheck(store).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("Permission denied", health.Description, StringComparison.Ordinal);
        Assert.True(store.Current.Tenants.ContainsKey("example.com"));
    }

    [Fact]
    public async Task Issue13_UnlistableDirectoryOnReload_IsDegradedWithTheReason_AndKeepsServing()
    {
        _world.WriteTenant("example.com.yaml", "domain: example.com\n");
        using var store = CreateStore();
        Assert.False(store.LoadInitial().HasErrors);
        var away = _world.Path + ".away";
        Directory.Move(_world.Path, away);
        File.WriteAllText(_world.Path, "not a directory");
        try
        {
            store.Reload("SIGHUP");
        }
        finally
        {
            File.Delete(_world.Path);
            Directory.Move(away, _world.Path);
        }

        var health = await new TenantsHealthCheck(store).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("retried", health.Description, StringComparison.Ordinal);
        Assert.True(store.Current.Tenants.ContainsKey("example.com"));
    }

    private TenantStore CreateStore() => _world.CreateStore(new FakeTimeProvider(DateTimeOffset.UtcNow));
}

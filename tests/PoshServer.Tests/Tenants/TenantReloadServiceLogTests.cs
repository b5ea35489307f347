using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using PoshServer.Certificates;
using PoshServer.Posh;
using PoshServer.Tenants;

namespace PoshServer.Tests.Tenants;

/// <summary>Issue 14: the reload that closes the gap between the first load and the watchers says what it is.</summary>
public sealed class TenantReloadServiceLogTests : IDisposable
{
    private readonly TenantWorld _world = new();

    public void Dispose() => _world.Dispose();

    [Fact]
    public async Task Issue14_StartupCatchUpReload_IsLoggedAsCatchUpNotAsFileChange()
    {
        _world.WriteTenant("a.yaml", "domain: a.example\n");
        var options = Options.Create(new TenantsOptions { Directory = _world.Path, ReloadDebounce = TimeSpan.FromMilliseconds(10) });
        var certificates = new CertificateFileCache();
        var builder = new TenantCatalogBuilder(
            options,
            Options.Create(new PoshOptions { HostNames = ["posh.hosting.test"], PublicBaseUrl = new Uri("https://posh.hosting.test") }),
            certificates,
            TimeProvider.System);
        var logger = new FakeLogger<TenantStore>();
        using var store = new TenantStore(builder, TimeProvider.System, logger);
        Assert.False(store.LoadInitial().HasErrors);
        using var service = new TenantReloadService(store, new TenantFileSettler(TimeProvider.System, options), certificates, options, TimeProvider.System, NullLogger<TenantReloadService>.Instance);

        await service.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(logger.Collector.GetSnapshot().Count(r => r.Id.Name == "TenantsLoaded") == 2), "the catch-up reload ran");
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }

        var loads = logger.Collector.GetSnapshot().Where(r => r.Id.Name == "TenantsLoaded").Select(r => r.GetStructuredStateValue("Reason")).ToList();
        Assert.Equal(["start-up", TenantReloadService.CatchUpReason], loads);
    }
}

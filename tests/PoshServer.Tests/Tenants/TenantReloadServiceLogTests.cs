using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using PoshServer.Certificates;
using PoshServer.Posh;
using PoshServer.Tenants;
using PoshTesting;

namespace PoshServer.Tests.Tenants;

/// <summary>
/// The gap between the first load and the watchers: closed by one logged catch-up load (issue 14) when the first load
/// was made without the service, and by watching before the load lists the files when it goes through the service
/// (issue 9: at 1,000,000 tenants the catch-up listed every file again).
/// </summary>
public sealed class TenantReloadServiceLogTests : IDisposable
{
    private readonly TenantWorld _world = new();
    private readonly FakeLogger<TenantStore> _logger = new();

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

    [Fact]
    public async Task Issue9_FirstLoadThroughTheService_AFileRenamedInBeforeStart_IsServedWithoutAFullLoad()
    {
        _world.WriteTenant("a.yaml", "domain: a.example\n");
        var (store, service) = LoadedThroughTheService();
        using var disposeStore = store;
        using var disposeService = service;

        // Arrange: between the first load and the service's start, which is when the catch-up used to close the gap.
        File.WriteAllText(_world.Combine(".b.yaml.tmp"), "domain: b.example\n");
        File.Move(_world.Combine(".b.yaml.tmp"), _world.Combine("b.yaml"));
        await service.StartAsync(CancellationToken.None);
        try
        {
            Assert.Equal(0, service.FullReloadsRequested);
            await Eventually.TrueAsync(() => Task.FromResult(store.Current.TryGetTenant("b.example", out _)), "the file renamed in is served");
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }

        Assert.Equal(0, service.FullReloadsRequested);
        Assert.Equal(["start-up", "file change"], Loads());
    }

    [Fact]
    public async Task Issue9_FirstLoadThroughTheService_SetCertificateElsewhereUnchanged_NoCatchUp()
    {
        using var elsewhere = new TempDirectory("posh-set-certs-");
        WriteSetWithItsCertificateIn(elsewhere);
        var (store, service) = LoadedThroughTheService();
        using var disposeStore = store;
        using var disposeService = service;

        await service.StartAsync(CancellationToken.None);
        await service.StopAsync(CancellationToken.None);

        Assert.Equal(0, service.FullReloadsRequested);
        Assert.Equal(["start-up"], Loads());
    }

    [Fact]
    public async Task Issue9_FirstLoadThroughTheService_SetCertificateElsewhereChangedBeforeItIsWatched_OneCatchUpLoadPublishesIt()
    {
        using var elsewhere = new TempDirectory("posh-set-certs-");
        WriteSetWithItsCertificateIn(elsewhere);
        var (store, service) = LoadedThroughTheService();
        using var disposeStore = store;
        using var disposeService = service;

        // Arrange: renewed after the first load read it, before its directory is watched.
        using var renewed = TestCertificates.SelfSigned(["xmpp.hosting.test"]);
        TestCertificates.WritePem(renewed, elsewhere.Combine("fullchain.pem"));
        var fingerprint = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(renewed.RawData));
        await service.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(store.Current.TryGetTenant("a.example", out var entry) && entry.Certificates.Any(c => c.Sha256 == fingerprint)), "the renewed certificate is published");
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }

        Assert.Equal(["start-up", TenantReloadService.CatchUpReason], Loads());
    }

    /// <summary>A store and its reload service over the world, after the first load made through the service.</summary>
    private (TenantStore Store, TenantReloadService Service) LoadedThroughTheService()
    {
        var options = Options.Create(new TenantsOptions { Directory = _world.Path, ReloadDebounce = TimeSpan.FromMilliseconds(10) });
        var certificates = new CertificateFileCache();
        var builder = new TenantCatalogBuilder(
            options,
            Options.Create(new PoshOptions { HostNames = ["posh.hosting.test"], PublicBaseUrl = new Uri("https://posh.hosting.test") }),
            certificates,
            TimeProvider.System);
        var store = new TenantStore(builder, TimeProvider.System, _logger);
        var service = new TenantReloadService(store, new TenantFileSettler(TimeProvider.System, options), certificates, options, TimeProvider.System, NullLogger<TenantReloadService>.Instance);
        Assert.False(service.LoadInitial().HasErrors);
        return (store, service);
    }

    /// <summary>The default set with its certificate outside the tenants directory, and one tenant on it.</summary>
    private void WriteSetWithItsCertificateIn(TempDirectory elsewhere)
    {
        using var hoster = TestCertificates.SelfSigned(["xmpp.hosting.test"]);
        TestCertificates.WritePem(hoster, elsewhere.Combine("fullchain.pem"));
        _world.WriteSets($"default:\n  certificates: [{elsewhere.Combine("fullchain.pem")}]\n");
        _world.WriteTenant("a.yaml", "domain: a.example\n");
    }

    private List<string?> Loads() => [.. _logger.Collector.GetSnapshot().Where(r => r.Id.Name == "TenantsLoaded").Select(r => r.GetStructuredStateValue("Reason"))];
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using PoshServer.Tenants;
using PoshTesting;

namespace PoshServer.Tests.Tenants;

/// <summary>Issue 14: what the tenant store logs on a swap, asserted on event names and structured fields.</summary>
public sealed class TenantStoreLogTests : IDisposable
{
    private readonly TenantWorld _world = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly FakeLogger<TenantStore> _logger = new();

    public void Dispose() => _world.Dispose();

    [Fact]
    public void Issue14_SameWarningOnEverySwap_IsLoggedOnce()
    {
        using var expired = TestCertificates.SelfSigned(["old.example.com"], _time.GetUtcNow().AddDays(-90), _time.GetUtcNow().AddDays(-1));
        _world.WriteCertificate("certs/old.pem", expired);
        _world.WriteTenant("a.yaml", "domain: a.example\nextra_certificates: [certs/old.pem]\n");
        _world.WriteTenant("b.yaml", "domain: b.example\n");
        using var store = CreateStore();

        Assert.False(store.LoadInitial().HasErrors);
        _world.WriteTenant("b.yaml", "domain: b.example\nexpires: 600\n");
        store.Reload("file change");
        store.Reload("SIGHUP");

        var warning = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Id.Name == "TenantFileWarning");
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.EndsWith("a.yaml", warning.GetStructuredStateValue("File"), StringComparison.Ordinal);
        Assert.NotEqual("0", warning.GetStructuredStateValue("Line"));
        Assert.Equal(3, _logger.Collector.GetSnapshot().Count(r => r.Id.Name == "TenantsLoaded"));
    }

    [Fact]
    public void Issue14_RemovedAndDisabledTenants_AreLoggedAsWithdrawnWithCountAndNames()
    {
        _world.WriteTenant("a.yaml", "domain: a.example\n");
        _world.WriteTenant("b.yaml", "domain: b.example\n");
        _world.WriteTenant("c.yaml", "domain: c.example\n");
        using var store = CreateStore();
        Assert.False(store.LoadInitial().HasErrors);
        Assert.DoesNotContain(_logger.Collector.GetSnapshot(), r => r.Id.Name == "TenantsWithdrawn");

        _world.Delete("a.yaml");
        _world.WriteTenant("b.yaml", "domain: b.example\ndisabled: true\n");
        store.Reload("file change");

        var withdrawn = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Id.Name == "TenantsWithdrawn");
        Assert.Equal("2", withdrawn.GetStructuredStateValue("Count"));
        Assert.Equal("a.example, b.example", withdrawn.GetStructuredStateValue("Domains"));
        Assert.Equal("file change", withdrawn.GetStructuredStateValue("Reason"));
    }

    [Fact]
    public void Issue14_ManyWithdrawnTenants_NamesAreBounded()
    {
        for (var i = 0; i < 30; i++)
        {
            _world.WriteTenant($"t{i:00}.yaml", $"domain: t{i:00}.example\n");
        }

        using var store = CreateStore();
        Assert.False(store.LoadInitial().HasErrors);
        for (var i = 0; i < 30; i++)
        {
            _world.Delete($"t{i:00}.yaml");
        }

        store.Reload("file change");

        var withdrawn = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Id.Name == "TenantsWithdrawn");
        Assert.Equal("30", withdrawn.GetStructuredStateValue("Count"));
        var names = withdrawn.GetStructuredStateValue("Domains")!.Split(", ");
        Assert.Equal(TenantStore.MaxWithdrawnNamesLogged, names.Length);
        Assert.Equal("t00.example", names[0]);
    }

    private TenantStore CreateStore() => _world.CreateStore(_time, _logger);
}

using Microsoft.Extensions.Time.Testing;
using PoshServer.Tenants;

namespace PoshServer.Tests.Tenants;

/// <summary>
/// Issue 9: ACME hears of a change to the tenants that want a certificate, not of every swap; a change to any other
/// tenant must not start a renewal cycle over every ACME name.
/// </summary>
public sealed class TenantAcmeDomainsTests : IDisposable
{
    private readonly TenantWorld _world = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public void Dispose() => _world.Dispose();

    [Fact]
    public void ChangeToken_FiresWhenAnAcmeTenantComesOrGoes_NotForOtherTenants()
    {
        // Arrange
        _world.WriteTenant("a.yaml", "domain: a.example\nacme: true\n");
        _world.WriteTenant("b.yaml", "domain: b.example\n");
        using var store = _world.CreateStore(_time);
        store.LoadInitial();
        using var domains = new TenantAcmeDomains(store);
        var token = domains.GetChangeToken();

        // Act / Assert: another tenant changes, a full reload finds nothing new, the sets are rebuilt.
        _world.WriteAtomically("b.yaml", "domain: b.example\nexpires: 120\n");
        store.Reload("file change", [_world.Combine("b.yaml")]);
        store.Reload("SIGHUP");
        _world.WriteSets("default:\n  description: touched\n  certificates: [certs/hosting.pem]\n");
        store.Reload("file change");
        Assert.False(token.HasChanged);
        Assert.Equal(["a.example"], domains.Current);

        // An ACME tenant is added.
        _world.WriteTenant("c.yaml", "domain: c.example\nacme: true\n");
        store.Reload("file change", [_world.Combine("c.yaml")]);
        Assert.True(token.HasChanged);
        Assert.Equal(["a.example", "c.example"], domains.Current);

        // One is disabled: it stops wanting a certificate.
        token = domains.GetChangeToken();
        _world.WriteAtomically("a.yaml", "domain: a.example\nacme: true\ndisabled: true\n");
        store.Reload("file change", [_world.Combine("a.yaml")]);
        Assert.True(token.HasChanged);
        Assert.Equal(["c.example"], domains.Current);

        // One is removed.
        token = domains.GetChangeToken();
        _world.Delete("c.yaml");
        store.Reload("file change", [_world.Combine("c.yaml")]);
        Assert.True(token.HasChanged);
        Assert.Empty(domains.Current);
    }
}

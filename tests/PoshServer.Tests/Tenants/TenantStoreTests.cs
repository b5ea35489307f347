using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using PoshServer.Tenants;
using PoshTesting;

namespace PoshServer.Tests.Tenants;

/// <summary>Certificate expiry and pre-publication, driven by an injected clock.</summary>
public sealed class TenantStoreTests : IDisposable
{
    private readonly TenantWorld _world = new(withDefaultSet: false);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public void Dispose() => _world.Dispose();

    /// <summary>
    /// The default set with a certificate that expires a day from now and its successor, and one tenant on it; returns
    /// the successor (the certificate that stays published).
    /// </summary>
    private X509Certificate2 WriteSetExpiringTomorrow()
    {
        var now = _time.GetUtcNow();
        using var current = TestCertificates.SelfSigned(["xmpp.hosting.test"], now.AddDays(-80), now.AddDays(1));
        var next = TestCertificates.SelfSigned(["xmpp.hosting.test"], now.AddDays(-1), now.AddDays(89));
        _world.WriteCertificate("certs/current.pem", current);
        _world.WriteCertificate("certs/next.pem", next);
        _world.WriteSets("default:\n  certificates: [certs/current.pem, certs/next.pem]\n");
        _world.WriteTenant("t.yaml", "domain: example.com\n");
        return next;
    }

    [Fact]
    public async Task CertificatePastNotAfter_StopsBeingPublished_WithoutAnyFileChange()
    {
        using var next = WriteSetExpiringTomorrow();
        await using var server = await PoshServerHost.StartAsync(_world.Path, _time);
        using var client = server.CreateClient();
        var before = await client.GetStringAsync("https://example.com/.well-known/posh/xmpp-server.json");
        Assert.Equal(2, Count(before, "sha-256"));

        _time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));

        await Eventually.TrueAsync(async () => Count(await client.GetStringAsync("https://example.com/.well-known/posh/xmpp-server.json"), "sha-256") == 1, "the expired certificate is dropped");
        var store = (TenantStore)server.Services.GetService(typeof(TenantStore))!;
        Assert.Equal(Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(next.RawData)), Assert.Single(store.Current.Tenants["example.com"].Certificates).Sha256);
    }

    [Fact]
    public async Task EveryCertificateExpired_DocumentAnswers404()
    {
        var now = _time.GetUtcNow();
        using var only = TestCertificates.SelfSigned(["xmpp.hosting.test"], now.AddDays(-80), now.AddHours(1));
        _world.WriteCertificate("certs/only.pem", only);
        _world.WriteSets("default:\n  certificates: [certs/only.pem]\n");
        _world.WriteTenant("t.yaml", "domain: example.com\n");
        await using var server = await PoshServerHost.StartAsync(_world.Path, _time);
        using var client = server.CreateClient();

        _time.Advance(TimeSpan.FromHours(2));

        await Eventually.TrueAsync(async () =>
        {
            using var response = await client.GetAsync("https://example.com/.well-known/posh/xmpp-server.json");
            return response.StatusCode == HttpStatusCode.NotFound;
        }, "nothing is left to publish");
    }

    [Fact]
    public async Task Issue14_ExpiryReloadThatThrows_DoesNotEndTheProcess_IsReported_AndRetried()
    {
        using var next = WriteSetExpiringTomorrow();
        var logger = new FailingLogger<TenantStore>();
        using var store = _world.CreateStore(_time, logger, o => o.RetryInterval = TimeSpan.FromSeconds(5));
        Assert.False(store.LoadInitial().HasErrors);

        // The expiry reload runs on the thread pool: before issue 14 its exception ended the process.
        logger.FailNext();
        _time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));

        await Eventually.TrueAsync(() => Task.FromResult(store.LastResult?.Errors.Any(e => e.Transient) == true), "the failed expiry reload is reported");
        Assert.Equal(1, logger.Failures);
        Assert.Equal(1, logger.Errors);
        Assert.True(store.Current.Tenants.ContainsKey("example.com"));

        _time.Advance(TimeSpan.FromSeconds(5));

        await Eventually.TrueAsync(() => Task.FromResult(store.LastResult?.HasErrors == false), "the retry succeeds");
        Assert.Equal(Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(next.RawData)), Assert.Single(store.Current.Tenants["example.com"].Certificates).Sha256);
    }

    [Fact]
    public void Issue13_FullLoadAbsorbingARenameEvent_PublishesTheRenamedFileAtOnce()
    {
        // The start-up catch-up (or a SIGHUP) can absorb the event of a file renamed into place: that full load sees
        // a file written a moment ago and would hold it back to settle, which the rename says it need not.
        using var world = new TenantWorld();
        world.WriteTenant("example.com.yaml", "domain: example.com\n");
        void Settle(TenantsOptions o) => o.SettleTime = TimeSpan.FromMinutes(1);
        using var settler = new TenantFileSettler(_time, Microsoft.Extensions.Options.Options.Create(world.CreateOptions(Settle)));
        using var store = new TenantStore(world.CreateBuilder(_time, Settle, settler), _time, Microsoft.Extensions.Logging.Abstractions.NullLogger<TenantStore>.Instance);
        Assert.False(store.LoadInitial().HasErrors);

        world.WriteAtomically("example.com.yaml", "domain: example.com\nexpires: 900\n");
        var renamed = Path.Combine(world.Path, "example.com.yaml");
        store.Reload("start-up catch-up", changedTenantFiles: null, completeTenantFiles: [renamed]);

        Assert.Equal(900, store.Current.Tenants["example.com"].Tenant.Expires);
    }

    private static int Count(string text, string what) => (text.Length - text.Replace(what, string.Empty, StringComparison.Ordinal).Length) / what.Length;
}

using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PoshServer.Tenants;
using PoshTesting;

namespace PoshServer.Tests.Tenants;

/// <summary>Hot reload through the real file system watcher and SIGHUP, observed over HTTPS.</summary>
public sealed class TenantReloadServiceTests : IAsyncLifetime
{
    private const string Url = "https://example.com/.well-known/posh/xmpp-server.json";
    private readonly TenantWorld _world = new();
    private PoshServerHost _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _world.WriteTenant("example.com.yaml", "domain: example.com\nexpires: 600\n");
        _server = await PoshServerHost.StartAsync(_world.Path);
        _client = _server.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        _world.Dispose();
    }

    [Fact]
    public async Task AddedFile_IsServed()
    {
        _world.WriteTenant("new.example.yaml", "domain: new.example\n");

        await Eventually.TrueAsync(async () => await StatusAsync("https://new.example/.well-known/posh/xmpp-client.json") == HttpStatusCode.OK, "the new tenant is served");
    }

    [Fact]
    public async Task ChangedFile_ServesTheNewDocument()
    {
        _world.WriteTenant("example.com.yaml", "domain: example.com\nexpires: 900\n");

        await Eventually.TrueAsync(async () => (await _client.GetStringAsync(Url)).EndsWith("\"expires\":900}", StringComparison.Ordinal), "the changed expires is served");
    }

    [Fact]
    public async Task DeletedFile_RevokesTheDelegation()
    {
        _world.Delete("example.com.yaml");

        await Eventually.TrueAsync(async () => await StatusAsync(Url) == HttpStatusCode.NotFound, "the removed tenant answers 404");
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync($"https://{PoshServerHost.HosterName}/posh/example.com/xmpp-server.json"));
    }

    [Fact]
    public async Task DisabledFlag_RevokesTheDelegation()
    {
        _world.WriteAtomically("example.com.yaml", "domain: example.com\ndisabled: true\n");

        await Eventually.TrueAsync(async () => await StatusAsync($"https://{PoshServerHost.HosterName}/posh/example.com/xmpp-server.json") == HttpStatusCode.NotFound, "the disabled tenant answers 404");
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(Url));
    }

    [Fact]
    public async Task AtomicWriteThroughRename_IsServed()
    {
        _world.WriteAtomically("example.com.yaml", "domain: example.com\nexpires: 1200\n");

        await Eventually.TrueAsync(async () => (await _client.GetStringAsync(Url)).EndsWith("\"expires\":1200}", StringComparison.Ordinal), "the renamed-into-place file is served");
    }

    [Fact]
    public async Task RenamedFile_KeepsServingTheTenant()
    {
        var generation = Store.Current.Generation;
        File.Move(_world.Combine("example.com.yaml"), _world.Combine("renamed.yaml"));

        await Eventually.TrueAsync(() => Task.FromResult(Store.Current.Generation > generation && Store.Current.Tenants.ContainsKey("example.com")), "the renamed file is reloaded");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(Url));
        Assert.EndsWith("renamed.yaml", Store.Current.Tenants["example.com"].Tenant.SourceFile, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadFile_LastGoodVersionKeepsServing_AndHealthIsDegraded()
    {
        _world.WriteTenant("example.com.yaml", "domain: example.com\nexpires: [broken\n");
        _world.WriteTenant("other.example.yaml", "domain: other.example\n");

        await Eventually.TrueAsync(async () => await StatusAsync("https://other.example/.well-known/posh/xmpp-server.json") == HttpStatusCode.OK, "the good file next to the bad one is served");
        Assert.EndsWith("\"expires\":600}", await _client.GetStringAsync(Url), StringComparison.Ordinal);
        using var health = await _client.GetAsync($"https://{PoshServerHost.HosterName}/healthz");
        Assert.Equal("Degraded", Health.HealthJson.Status(await health.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Sighup_Reloads()
    {
        var generation = Store.Current.Generation;

        using (var kill = Process.Start("kill", ["-HUP", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await Eventually.TrueAsync(() => Task.FromResult(Store.Current.Generation > generation), "SIGHUP triggers a reload");
    }

    [Fact]
    public async Task RequestsDuringRepeatedReloads_NeverFail()
    {
        using var stop = new CancellationTokenSource();
        var failures = 0;
        var served = 0;
        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await _client.GetAsync(Url);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref served);
                }
                else
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToArray();

        for (var i = 0; i < 20; i++)
        {
            _world.WriteAtomically("example.com.yaml", $"domain: example.com\nexpires: {700 + i}\n");
            await Task.Delay(60);
        }

        await Eventually.TrueAsync(async () => (await _client.GetStringAsync(Url)).EndsWith("\"expires\":719}", StringComparison.Ordinal), "the last version is served");
        await stop.CancelAsync();
        await Task.WhenAll(load);
        Assert.Equal(0, failures);
        Assert.True(served > 0);
    }

    [Fact]
    public async Task Issue14_UnrelatedFilesInTheTenantsDirectory_TriggerNoFullReload()
    {
        var reloads = Reloads(_server);
        var full = reloads.FullReloadsRequested;
        var events = reloads.EventsNoted;

        _world.Write("README.txt", "how we run our tenants");
        _world.Write("certs/hosting.key.bak", "an old key");

        await Eventually.TrueAsync(() => Task.FromResult(reloads.EventsNoted >= events + 2), "the watcher saw both files");
        await AssertNoFullReloadSinceAsync(reloads, full);
    }

    [Fact]
    public async Task Issue14_CertificateChangeInTheTenantsDirectory_StillTriggersAFullReload()
    {
        var reloads = Reloads(_server);
        var full = reloads.FullReloadsRequested;
        using var renewed = TestCertificates.SelfSigned(["xmpp.hosting.test"]);

        _world.WriteCertificate("certs/hosting.pem", renewed);

        var fingerprint = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(renewed.RawData));
        await Eventually.TrueAsync(async () => (await _client.GetStringAsync(Url)).Contains(fingerprint, StringComparison.Ordinal), "the renewed certificate is published");
        Assert.True(reloads.FullReloadsRequested > full);
    }

    [Fact]
    public async Task Issue14_UnrelatedFileBesideASetsCertificateElsewhere_TriggersNoFullReload_ButTheCertificateDoes()
    {
        using var world = new TenantWorld(withDefaultSet: false);
        using var elsewhere = new TempDirectory("posh-set-certs-");
        using var hoster = TestCertificates.SelfSigned(["xmpp.hosting.test"]);
        TestCertificates.WritePem(hoster, elsewhere.Combine("fullchain.pem"));
        world.WriteSets($"default:\n  certificates: [{elsewhere.Combine("fullchain.pem")}]\n");
        world.WriteTenant("example.com.yaml", "domain: example.com\nexpires: 600\n");
        await using var server = await PoshServerHost.StartAsync(world.Path);
        using var client = server.CreateClient();
        var reloads = Reloads(server);
        var full = reloads.FullReloadsRequested;
        var events = reloads.EventsNoted;

        File.WriteAllText(elsewhere.Combine("renewal.log"), "renewed nothing");
        await Eventually.TrueAsync(() => Task.FromResult(reloads.EventsNoted > events), "the watcher saw the file");
        await AssertNoFullReloadSinceAsync(reloads, full, world, client);

        using var renewed = TestCertificates.SelfSigned(["xmpp.hosting.test"]);
        TestCertificates.WritePem(renewed, elsewhere.Combine("fullchain.pem"));
        var fingerprint = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(renewed.RawData));
        await Eventually.TrueAsync(async () => (await client.GetStringAsync(Url)).Contains(fingerprint, StringComparison.Ordinal), "the renewed certificate is published");
    }

    private Task AssertNoFullReloadSinceAsync(TenantReloadService reloads, long full) => AssertNoFullReloadSinceAsync(reloads, full, _world, _client);

    /// <summary>
    /// The watcher hands events over in order: once a tenant file renamed into place after the unrelated events is
    /// served, those events have been handled, so no sleep is needed to see that they asked for no full reload.
    /// </summary>
    private static async Task AssertNoFullReloadSinceAsync(TenantReloadService reloads, long full, TenantWorld world, HttpClient client)
    {
        world.WriteAtomically("example.com.yaml", "domain: example.com\nexpires: 777\n");
        await Eventually.TrueAsync(async () => (await client.GetStringAsync(Url)).EndsWith("\"expires\":777}", StringComparison.Ordinal), "the marker edit is served");
        Assert.Equal(full, reloads.FullReloadsRequested);
    }

    private static TenantReloadService Reloads(PoshServerHost server) => server.Services.GetServices<IHostedService>().OfType<TenantReloadService>().Single();

    private TenantStore Store => _server.Services.GetService(typeof(TenantStore)) as TenantStore ?? throw new InvalidOperationException();

    private async Task<HttpStatusCode> StatusAsync(string url)
    {
        using var response = await _client.GetAsync(url);
        return response.StatusCode;
    }
}

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;
using PoshServer.Status;
using PoshServer.Tenants;
using PoshTesting;

namespace PoshServer.Tests.Tenants;

/// <summary>
/// Issue 13: the tenants directory on an operator's bad day — unlistable, replaced, renamed away and back, a flipped
/// symlink (git-sync) or a Kubernetes ConfigMap volume — and files written in place in parts. Observed over HTTPS on
/// the real server with the real file system watcher; every wait is event-driven with a generous bound.
/// </summary>
public sealed class TenantDirectoryFaultTests : IDisposable
{
    private const string Url = "https://example.com/.well-known/posh/xmpp-server.json";
    private readonly TempDirectory _root = new("posh-faults-");

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Issue13_DirectoryReplacedByAFile_NeverWithdrawsTenants_ReportsWhy_AndRecoversWithoutSighup()
    {
        using var world = new TenantWorld();
        world.WriteTenant("example.com.yaml", "domain: example.com\nexpires: 600\n");
        await using var server = await PoshServerHost.StartAsync(world.Path, null, "--Tenants:RetryInterval=00:00:00.200");
        using var client = server.CreateClient();
        var away = world.Path + ".away";

        // As root, chmod 000 does not stop a listing; replacing the directory by a file does (ENOTDIR), for the
        // listing and for every file in it. The write goes to the old directory, whose watcher names the file.
        Directory.Move(world.Path, away);
        File.WriteAllText(world.Path, "not a directory");
        File.WriteAllText(Path.Combine(away, "example.com.yaml"), "domain: example.com\nexpires: 900\n");

        await Eventually.TrueAsync(() => Task.FromResult(Store(server).LastResult?.Errors.Any(e => e.Transient) == true), "the load reports the I/O error");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, Url));
        Assert.EndsWith("\"expires\":600}", await client.GetStringAsync(Url), StringComparison.Ordinal);
        Assert.Equal("Degraded", Health.HealthJson.Status(await client.GetStringAsync($"https://{PoshServerHost.HosterName}/healthz")));
        var status = server.Services.GetRequiredService<StatusReportBuilder>().Build();
        Assert.NotEmpty(status.LoadErrors);

        File.Delete(world.Path);
        Directory.Move(away, world.Path);

        await Eventually.TrueAsync(async () => Health.HealthJson.Status(await client.GetStringAsync($"https://{PoshServerHost.HosterName}/healthz")) == "Healthy", "the retried load succeeds");
        // The file written in place while the directory was away is published once it has settled.
        await Eventually.TrueAsync(async () => (await client.GetStringAsync(Url)).EndsWith("\"expires\":900}", StringComparison.Ordinal), "the edit made during the fault is served");
        world.WriteAtomically("example.com.yaml", "domain: example.com\nexpires: 1200\n");
        await Eventually.TrueAsync(async () => (await client.GetStringAsync(Url)).EndsWith("\"expires\":1200}", StringComparison.Ordinal), "changes after recovery are served");
    }

    [Fact]
    public async Task Issue13_DirectoryRenamedAwayAndBack_IsRetriedUntilHealthy()
    {
        using var world = new TenantWorld();
        world.WriteTenant("example.com.yaml", "domain: example.com\nexpires: 600\n");
        await using var server = await PoshServerHost.StartAsync(world.Path, null, "--Tenants:RetryInterval=00:00:00.200");
        using var client = server.CreateClient();
        var away = world.Path + ".away";

        Directory.Move(world.Path, away);
        await Eventually.TrueAsync(() => Task.FromResult(Store(server).LastResult?.HasErrors == true), "the missing directory is reported");
        Assert.EndsWith("\"expires\":600}", await client.GetStringAsync(Url), StringComparison.Ordinal);
        Directory.Move(away, world.Path);

        await Eventually.TrueAsync(async () => Health.HealthJson.Status(await client.GetStringAsync($"https://{PoshServerHost.HosterName}/healthz")) == "Healthy", "the retried load succeeds");
        world.WriteAtomically("example.com.yaml", "domain: example.com\nexpires: 700\n");
        await Eventually.TrueAsync(async () => (await client.GetStringAsync(Url)).EndsWith("\"expires\":700}", StringComparison.Ordinal), "changes after the move are served");
    }

    [Fact]
    public async Task Issue13_DirectoryReplacedByRename_ChangesAfterTheSwapAreServed()
    {
        using var world = new TenantWorld();
        world.WriteTenant("example.com.yaml", "domain: example.com\nexpires: 600\n");
        await using var server = await PoshServerHost.StartAsync(world.Path, null);
        using var client = server.CreateClient();

        // A deploy tool: a complete new copy next to the directory, then renamed into its place.
        var copy = world.Path + ".new";
        CopyDirectory(world.Path, copy);
        File.WriteAllText(Path.Combine(copy, "example.com.yaml"), "domain: example.com\nexpires: 800\n");
        Directory.Move(world.Path, world.Path + ".old");
        Directory.Move(copy, world.Path);

        await Eventually.TrueAsync(async () => (await client.GetStringAsync(Url)).EndsWith("\"expires\":800}", StringComparison.Ordinal), "the new directory is served");
        world.WriteAtomically("example.com.yaml", "domain: example.com\nexpires: 1000\n");
        await Eventually.TrueAsync(async () => (await client.GetStringAsync(Url)).EndsWith("\"expires\":1000}", StringComparison.Ordinal), "an edit in the new directory is served");
        Directory.Delete(world.Path + ".old", recursive: true);
    }

    [Fact]
    public async Task Issue13_GitSyncSymlinkFlip_ChangesAfterTheFlipAreServed()
    {
        using var world = new TenantWorld();
        world.WriteTenant("example.com.yaml", "domain: example.com\nexpires: 600\n");
        var first = _root.Combine("rev-1");
        var second = _root.Combine("rev-2");
        CopyDirectory(world.Path, first);
        CopyDirectory(world.Path, second);
        File.WriteAllText(Path.Combine(second, "example.com.yaml"), "domain: example.com\nexpires: 800\n");
        var link = _root.Combine("tenants");
        Directory.CreateSymbolicLink(link, first);
        await using var server = await PoshServerHost.StartAsync(link, null);
        using var client = server.CreateClient();
        Assert.EndsWith("\"expires\":600}", await client.GetStringAsync(Url), StringComparison.Ordinal);

        // git-sync: a new link beside the old one, renamed over it (an atomic flip).
        var temp = _root.Combine("tenants.tmp");
        Directory.CreateSymbolicLink(temp, second);
        await RenameOverAsync(temp, link);

        await Eventually.TrueAsync(async () => (await client.GetStringAsync(Url)).EndsWith("\"expires\":800}", StringComparison.Ordinal), "the flipped-to revision is served");
        var edited = Path.Combine(second, ".example.com.yaml.tmp");
        File.WriteAllText(edited, "domain: example.com\nexpires: 1000\n");
        File.Move(edited, Path.Combine(second, "example.com.yaml"), overwrite: true);
        await Eventually.TrueAsync(async () => (await client.GetStringAsync(Url)).EndsWith("\"expires\":1000}", StringComparison.Ordinal), "an edit after the flip is served");
    }

    [Fact]
    public async Task Issue13_KubernetesConfigMapFlip_ChangesAfterEachFlipAreServed()
    {
        using var world = new TenantWorld();
        // The kubelet's layout: files are links into ..data, which links to a timestamped folder.
        WriteConfigMapVersion(world, "..2026_12_01_10_00_00.000000001", "domain: example.com\nexpires: 600\n");
        File.CreateSymbolicLink(world.Combine("..data"), "..2026_12_01_10_00_00.000000001");
        File.CreateSymbolicLink(world.Combine("example.com.yaml"), "..data/example.com.yaml");
        File.Move(world.Combine("_certificate-sets.yaml"), world.Combine("..data/_certificate-sets.yaml"), overwrite: true);
        File.CreateSymbolicLink(world.Combine("_certificate-sets.yaml"), "..data/_certificate-sets.yaml");
        await using var server = await PoshServerHost.StartAsync(world.Path, null);
        using var client = server.CreateClient();
        Assert.EndsWith("\"expires\":600}", await client.GetStringAsync(Url), StringComparison.Ordinal);

        var previous = "..2026_12_01_10_00_00.000000001";
        foreach (var (version, expires) in new[] { ("..2026_12_01_10_01_00.000000002", 800), ("..2026_12_01_10_02_00.000000003", 1000) })
        {
            WriteConfigMapVersion(world, version, $"domain: example.com\nexpires: {expires}\n");
            File.Copy(world.Combine(previous + "/_certificate-sets.yaml"), world.Combine(version + "/_certificate-sets.yaml"));
            File.CreateSymbolicLink(world.Combine("..data_tmp"), version);
            await RenameOverAsync(world.Combine("..data_tmp"), world.Combine("..data"));
            Directory.Delete(world.Combine(previous), recursive: true);
            previous = version;

            await Eventually.TrueAsync(async () => (await client.GetStringAsync(Url)).EndsWith($"\"expires\":{expires}}}", StringComparison.Ordinal), $"the ConfigMap version with expires {expires} is served");
        }

        Assert.Equal("Healthy", Health.HealthJson.Status(await client.GetStringAsync($"https://{PoshServerHost.HosterName}/healthz")));
    }

    [Fact]
    public async Task Issue13_FileWrittenInPlaceInTwoParts_IsNeverPublishedHalfWritten()
    {
        using var world = new TenantWorld();
        world.WriteTenant("example.com.yaml", "domain: example.com\nexpires: 600\n");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await PoshServerHost.StartAsync(world.Path, time, "--Tenants:ReloadDebounce=00:00:00", "--Tenants:SettleTime=00:00:01");
        using var client = server.CreateClient();
        var store = Store(server);
        var reloads = Reloads(server);
        var published = new System.Collections.Concurrent.ConcurrentQueue<long>();
        using var subscription = ChangeToken.OnChange(store.GetReloadToken, () =>
        {
            if (store.Current.Tenants.TryGetValue("example.com", out var entry))
            {
                published.Enqueue(entry.Tenant.Expires);
            }
        });

        // The first part, cut at a line break, is valid YAML on its own (expires would default to 3600).
        var events = reloads.EventsNoted;
        File.WriteAllText(world.Combine("example.com.yaml"), "domain: example.com\n");
        await Eventually.TrueAsync(() => Task.FromResult(reloads.EventsNoted > events && reloads.SettlingFiles == 1), "the in-place write is held back");
        time.Advance(TimeSpan.FromMilliseconds(200));
        events = reloads.EventsNoted;
        File.AppendAllText(world.Combine("example.com.yaml"), "expires: 7200\n");
        await Eventually.TrueAsync(() => Task.FromResult(reloads.EventsNoted > events), "the second part is seen");

        await Eventually.TrueAsync(async () =>
        {
            time.Advance(TimeSpan.FromMilliseconds(500));
            return (await client.GetStringAsync(Url)).EndsWith("\"expires\":7200}", StringComparison.Ordinal);
        }, "the settled file is served");
        Assert.DoesNotContain(3600L, published);
    }

    [Fact]
    public async Task Issue13_FileRenamedIntoPlace_IsPublishedWithoutWaitingToSettle()
    {
        using var world = new TenantWorld();
        world.WriteTenant("example.com.yaml", "domain: example.com\nexpires: 600\n");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await PoshServerHost.StartAsync(world.Path, time, "--Tenants:ReloadDebounce=00:00:00", "--Tenants:SettleTime=00:01:00");
        using var client = server.CreateClient();

        // The clock never moves: a settle period would never end.
        world.WriteAtomically("example.com.yaml", "domain: example.com\nexpires: 900\n");

        await Eventually.TrueAsync(async () => (await client.GetStringAsync(Url)).EndsWith("\"expires\":900}", StringComparison.Ordinal), "the renamed file is served at once");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Issue14_SetCertificateDirectoryRemovedOrUnreadable_KeepsServing_IsDegraded_AndRecovers(bool unreadable)
    {
        using var world = new TenantWorld(withDefaultSet: false);
        var certificates = _root.Combine("hoster-certs");
        Directory.CreateDirectory(certificates);
        using var hoster = TestCertificates.SelfSigned(["xmpp.hosting.test"]);
        TestCertificates.WritePem(hoster, Path.Combine(certificates, "fullchain.pem"));
        world.WriteSets($"default:\n  certificates: [{Path.Combine(certificates, "fullchain.pem")}]\n");
        world.WriteTenant("example.com.yaml", "domain: example.com\nexpires: 600\n");
        await using var server = await PoshServerHost.StartAsync(world.Path, null, "--Tenants:RetryInterval=00:00:00.200");
        using var client = server.CreateClient();
        var fingerprint = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(hoster.RawData));
        var away = certificates + ".away";

        // Removed, or (as root chmod 000 does not stop a read) made unreadable by a file in its place (ENOTDIR).
        Directory.Move(certificates, away);
        if (unreadable)
        {
            File.WriteAllText(certificates, "not a directory");
        }

        await Eventually.TrueAsync(async () => Health.HealthJson.Status(await client.GetStringAsync($"https://{PoshServerHost.HosterName}/healthz")) == "Degraded", "the unreadable certificate is reported");
        Assert.Contains(fingerprint, await client.GetStringAsync(Url), StringComparison.Ordinal);
        var status = server.Services.GetRequiredService<StatusReportBuilder>().Build();
        Assert.Contains(status.LoadErrors, e => e.Contains("fullchain.pem", StringComparison.Ordinal));

        if (unreadable)
        {
            File.Delete(certificates);
        }

        Directory.Move(away, certificates);

        await Eventually.TrueAsync(async () => Health.HealthJson.Status(await client.GetStringAsync($"https://{PoshServerHost.HosterName}/healthz")) == "Healthy", "the certificate directory is back");
        using var renewed = TestCertificates.SelfSigned(["xmpp.hosting.test"]);
        TestCertificates.WritePem(renewed, Path.Combine(certificates, "fullchain.pem"));
        var renewedFingerprint = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(renewed.RawData));
        await Eventually.TrueAsync(async () => (await client.GetStringAsync(Url)).Contains(renewedFingerprint, StringComparison.Ordinal), "a renewal after recovery is published");
    }

    /// <summary>rename(2) of a link over a link, as the kubelet and git-sync do (File.Move follows a link to a directory).</summary>
    private static async Task RenameOverAsync(string from, string to)
    {
        using var mv = System.Diagnostics.Process.Start("mv", ["-T", from, to]);
        await mv.WaitForExitAsync();
        Assert.Equal(0, mv.ExitCode);
    }

    private static void WriteConfigMapVersion(TenantWorld world, string version, string tenant)
    {
        Directory.CreateDirectory(world.Combine(version));
        File.WriteAllText(world.Combine(version + "/example.com.yaml"), tenant);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static TenantStore Store(PoshServerHost server) => server.Services.GetRequiredService<TenantStore>();

    private static TenantReloadService Reloads(PoshServerHost server) => server.Services.GetServices<IHostedService>().OfType<TenantReloadService>().Single();

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        return response.StatusCode;
    }
}

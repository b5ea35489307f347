using PoshServer.Tests.Export;
using PoshTesting;

namespace PoshServer.Tests.Deploy;

/// <summary>
/// The tenants directory as the kubelet mounts a ConfigMap, updated the way its atomic writer does it: the files are
/// symlinks through <c>..data</c>, an update writes a new timestamped directory, switches <c>..data</c> with a rename
/// and deletes the old directory. The visible files are symlinks that never change, so the deployment points
/// Tenants:Directory through <c>..data</c> and its sidecar sends SIGHUP (a full reload) after each switch.
/// </summary>
public sealed class ConfigMapVolumeReloadTests : IDisposable
{
    private readonly TempDirectory _directory = new("posh-configmap-volume-");
    private readonly TestCertificateAuthority _authority = new("PoshServer ConfigMap Root");

    public void Dispose()
    {
        _authority.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task ConfigMapUpdates_FullReloadThroughData_ServesEveryVersion()
    {
        // Arrange
        using var certificate = _authority.Issue(["xmpp.hosting.test"]);
        var pem = certificate.ExportCertificatePem() + "\n";
        Write("..2026_12_01_10_00_00.000000001", new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["_certificate-sets.yaml"] = "default:\n  certificates: [hosting.pem]\n",
            ["hosting.pem"] = pem,
            ["example.com.yaml"] = "domain: example.com\nexpires: 3600\n",
        });
        File.CreateSymbolicLink(_directory.Combine("..data"), "..2026_12_01_10_00_00.000000001");
        foreach (var key in new[] { "_certificate-sets.yaml", "hosting.pem", "example.com.yaml" })
        {
            File.CreateSymbolicLink(_directory.Combine(key), Path.Combine("..data", key));
        }

        await using var host = ExportHost.Start(_directory.Combine("..data"));
        // The reload service runs as in the server: a full load holds files younger than Tenants:SettleTime and
        // publishes them once they have settled.
        using var reloads = host.CreateReloads();
        await reloads.StartAsync(CancellationToken.None);
        Assert.True(host.Store.Current.TryGetTenant("example.com", out var before));
        Assert.Equal(3600, before.Tenant.Expires);

        // Act: the kubelet's update of one key, then the sidecar's SIGHUP (the reload it triggers: a full one).
        Write("..2026_12_01_10_05_00.000000002", new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["_certificate-sets.yaml"] = "default:\n  certificates: [hosting.pem]\n",
            ["hosting.pem"] = pem,
            ["example.com.yaml"] = "domain: example.com\nexpires: 7200\n",
        });
        File.CreateSymbolicLink(_directory.Combine("..data_tmp"), "..2026_12_01_10_05_00.000000002");
        PoshServer.Export.PosixRename.Replace(_directory.Combine("..data_tmp"), _directory.Combine("..data"));
        Directory.Delete(_directory.Combine("..2026_12_01_10_00_00.000000001"), recursive: true);

        host.Store.Reload("SIGHUP");

        // Assert: every version, an added key included.
        await Eventually.TrueAsync(() => Task.FromResult(ServedExpires(host, "example.com") == 7200), "the second ConfigMap version is served");

        Write("..2026_12_01_10_10_00.000000003", new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["_certificate-sets.yaml"] = "default:\n  certificates: [hosting.pem]\n",
            ["hosting.pem"] = pem,
            ["example.com.yaml"] = "domain: example.com\nexpires: 9000\n",
            ["example.org.yaml"] = "domain: example.org\n",
        });
        File.CreateSymbolicLink(_directory.Combine("..data_tmp"), "..2026_12_01_10_10_00.000000003");
        PoshServer.Export.PosixRename.Replace(_directory.Combine("..data_tmp"), _directory.Combine("..data"));
        Directory.Delete(_directory.Combine("..2026_12_01_10_05_00.000000002"), recursive: true);
        host.Store.Reload("SIGHUP");
        // Each new or changed file is published once it has settled, each on its own: wait for the whole version.
        await Eventually.TrueAsync(() => Task.FromResult(ServedExpires(host, "example.com") == 9000 && host.Store.Current.TryGetTenant("example.org", out _)), "the third ConfigMap version, its added key included, is served");
        await reloads.StopAsync(CancellationToken.None);
    }

    private static long? ServedExpires(ExportHost host, string domain) =>
        host.Store.Current.TryGetTenant(domain, out var entry) ? entry.Tenant.Expires : null;

    private void Write(string version, Dictionary<string, string> files)
    {
        Directory.CreateDirectory(_directory.Combine(version));
        foreach (var (name, text) in files)
        {
            File.WriteAllText(_directory.Combine(version, name), text);
        }
    }
}

using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using PoshTesting;

namespace PoshServer.Tests.Https;

/// <summary>
/// Issue 14: with ACME certifying the hoster's names there is no development-certificate warning; ACME's log events
/// name certificates by SHA-256 (as its state and the CLI do, not SHA-1) and print dates as ISO 8601.
/// </summary>
public sealed class Issue14StartupLogTests : IDisposable
{
    private readonly TenantWorld _world = new();
    private readonly TempDirectory _acme = new("posh-acme-");
    private readonly TempDirectory _state = new("posh-state-");
    private readonly TestCertificateAuthority _root = new("Issue 14 Test Root");

    public void Dispose()
    {
        _root.Dispose();
        _state.Dispose();
        _acme.Dispose();
        _world.Dispose();
    }

    [Fact]
    public async Task Issue14_AcmeConfigured_NoDevelopmentCertificateWarning_StoredCertificateLoggedBySha256WithIsoDate()
    {
        using var certificate = _root.Issue([PoshServerHost.HosterName]);
        var directory = Directory.CreateDirectory(Path.Combine(_acme.Path, "names", PoshServerHost.HosterName)).FullName;
        TestCertificates.WritePem(certificate, Path.Combine(directory, "chain.pem"), Path.Combine(directory, "key.pem"));
        var logs = new FakeLogCollector();
        var builder = PoshServerApp.CreateBuilder(
        [
            $"--Tenants:Directory={_world.Path}",
            "--Https:Address=127.0.77.2",
            "--Https:Port=0",
            "--Https:HttpPort=0",
            $"--Posh:HostNames:0={PoshServerHost.HosterName}",
            // appsettings.json lists a second hoster name: only localhost stays beside the ACME-certified one.
            "--Posh:HostNames:1=localhost",
            $"--Posh:PublicBaseUrl=https://{PoshServerHost.HosterName}",
            "--Logging:LogLevel:Default=Information",
            "--Admin:Enabled=false",
            "--TenantChecks:Background=false",
            $"--Rotation:StatePath={_state.Combine("rotation-state.json")}",
            "--Acme:Enabled=true",
            "--Acme:AcceptTermsOfService=true",
            // Never contacted: LoadBeforeStart only serves what is stored.
            "--Acme:DirectoryUrl=https://127.0.77.2:1/directory",
            "--Acme:Preflight=false",
            $"--Acme:StoragePath={_acme.Path}",
            $"--Acme:HostNames:0={PoshServerHost.HosterName}",
        ]);
        builder.Logging.AddProvider(new FakeLoggerProvider(logs));
        await using var app = PoshServerApp.Build(builder);

        Assert.Empty(TestStartup.LoadBeforeStart(app));

        var records = logs.GetSnapshot();
        Assert.DoesNotContain(records, r => r.Category == "PoshServer.Https.HttpsCertificateFileService" && r.Level >= LogLevel.Warning);
        var loaded = Assert.Single(records, r => r.Id.Id == 410);
        Assert.Equal(certificate.GetCertHashString(HashAlgorithmName.SHA256), loaded.GetStructuredStateValue("Sha256"));
        Assert.Contains(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).ToString("u", CultureInfo.InvariantCulture), loaded.Message, StringComparison.Ordinal);
    }
}

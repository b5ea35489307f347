using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PoshServer.Https;
using PoshServer.Posh;
using PoshTesting;

namespace PoshServer.Tests.Https;

/// <summary>The HTTPS certificate file loop on a bad day: driven by a fake clock (its poll), observed through the store.</summary>
public sealed class HttpsCertificateFileServiceTests : IDisposable
{
    private const string Name = "posh.hosting.test";
    private readonly TempDirectory _directory = new("posh-https-files-");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly HttpsCertificateStore _store = new();
    private readonly FailingLogger<HttpsCertificateFileService> _logger = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Issue14_LoopThatThrows_KeepsRunning_AndLoadsTheNextChange()
    {
        using var first = TestCertificates.SelfSigned([Name]);
        using var second = TestCertificates.SelfSigned([Name]);
        Write(first);
        using var service = CreateService();
        Assert.Empty(service.LoadInitial());
        await service.StartAsync(CancellationToken.None);

        // A BackgroundService that throws stops the host by default (BackgroundServiceExceptionBehavior.StopHost).
        _logger.FailNext();
        Write(second);
        await Eventually.TrueAsync(() => Task.FromResult(PollOnce() && _logger.Failures == 1), "the reload met the fault");
        using var third = TestCertificates.SelfSigned([Name]);
        Write(third);

        await Eventually.TrueAsync(() => Task.FromResult(PollOnce() && Presented() == third.Thumbprint), "the next change is loaded");
        Assert.False(service.ExecuteTask!.IsFaulted);
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Issue14_CertificateDirectoryRemovedOrUnreadable_KeepsServing_AndRecovers()
    {
        using var first = TestCertificates.SelfSigned([Name]);
        Write(first);
        using var service = CreateService();
        Assert.Empty(service.LoadInitial());
        await service.StartAsync(CancellationToken.None);
        var away = _directory.Path + ".away";

        // Unreadable: as root chmod 000 does not stop a read; a file in the directory's place does (ENOTDIR).
        Directory.Move(_directory.Path, away);
        File.WriteAllText(_directory.Path, "not a directory");
        await Eventually.TrueAsync(() => Task.FromResult(PollOnce() && _logger.Errors >= 1), "the unreadable files are reported");
        Assert.Equal(first.Thumbprint, Presented());
        Assert.Equal(HealthStatus.Degraded, (await new HttpsCertificatesHealthCheck(service).CheckHealthAsync(new HealthCheckContext())).Status);

        // Removed: nothing at all in its place.
        File.Delete(_directory.Path);
        PollOnce();
        PollOnce();
        Assert.Equal(first.Thumbprint, Presented());

        Directory.Move(away, _directory.Path);
        using var renewed = TestCertificates.SelfSigned([Name]);
        Write(renewed);

        await Eventually.TrueAsync(() => Task.FromResult(PollOnce() && Presented() == renewed.Thumbprint), "the renewed certificate is loaded once the directory is back");
        Assert.False(service.ExecuteTask!.IsFaulted);
        Assert.Equal(HealthStatus.Healthy, (await new HttpsCertificatesHealthCheck(service).CheckHealthAsync(new HealthCheckContext())).Status);
        Assert.Empty(service.Failures);
        await service.StopAsync(CancellationToken.None);
    }

    /// <summary>Moves the fake clock past the loop's poll and debounce; always true, to sit inside a condition.</summary>
    private bool PollOnce()
    {
        _time.Advance(TimeSpan.FromMinutes(1));
        return true;
    }

    private string? Presented() => _store.Select(Name)?.TargetCertificate.Thumbprint;

    private void Write(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) =>
        TestCertificates.WritePem(certificate, Path.Combine(_directory.Path, "fullchain.pem"), Path.Combine(_directory.Path, "privkey.pem"));

    private HttpsCertificateFileService CreateService() => new(
        _store,
        Options.Create(new HttpsOptions
        {
            Certificates = [new HttpsCertificateFileOptions { CertificateFile = Path.Combine(_directory.Path, "fullchain.pem"), KeyFile = Path.Combine(_directory.Path, "privkey.pem") }],
        }),
        Options.Create(new PoshOptions { HostNames = [Name], PublicBaseUrl = new Uri("https://" + Name) }),
        _time,
        _logger);
}

using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using PoshServer.Https;
using PoshServer.Tenants;
using PoshTesting;

namespace PoshServer.Tests.Hardening;

/// <summary>
/// Sustained HTTP/1.1 and HTTP/2 load while tenant files are rewritten many times (in place and by rename), the
/// certificate set's file is replaced and the HTTPS certificate files are rotated: no request may fail, every
/// answer is one of the versions written, and once the last version is in place nothing older is served again.
/// </summary>
public sealed class ReloadStormTests : IAsyncLifetime
{
    private const int Tenants = 12;
    private const int Rewrites = 120;
    private const int FinalExpires = 5000;
    private readonly TenantWorld _world = new();
    private readonly TempDirectory _https = new("posh-https-");
    private PoshServerHost _server = null!;

    public async Task InitializeAsync()
    {
        for (var i = 0; i < Tenants; i++)
        {
            _world.WriteTenant($"t{i}.example.yaml", $"domain: t{i}.example\nexpires: 600\n");
        }

        WriteHttpsCertificate("rotation 0");
        _server = await PoshServerHost.StartAsync(
            _world.Path,
            timeProvider: null,
            $"--Https:Certificates:0:CertificateFile={Path.Combine(_https.Path, "fullchain.pem")}",
            $"--Https:Certificates:0:KeyFile={Path.Combine(_https.Path, "privkey.pem")}");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _world.Dispose();
        _https.Dispose();
    }

    [Fact]
    public async Task Storm_NoFailedRequest_AndNoStaleDocumentAfterTheLastSwap()
    {
        // Arrange
        using var http1 = _server.CreateClient();
        using var http2 = _server.CreateClient(HttpVersion.Version20);
        var failures = new ConcurrentQueue<string>();
        var served = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var requests = 0;
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var client = worker % 2 == 0 ? http1 : http2;
            var n = worker;
            while (!stop.IsCancellationRequested)
            {
                var tenant = $"t{n++ % Tenants}.example";
                try
                {
                    using var response = await client.GetAsync($"https://{tenant}/.well-known/posh/xmpp-server.json", CancellationToken.None);
                    var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                    Interlocked.Increment(ref requests);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        failures.Enqueue($"{tenant}: {(int)response.StatusCode}");
                    }

                    served.AddOrUpdate(Expires(body), 1, (_, c) => c + 1);
                }
                catch (HttpRequestException ex)
                {
                    failures.Enqueue($"{tenant}: {ex.Message}");
                }
            }
        })).ToList();

        // Act: rewrite every tenant many times, replace the set's certificate, rotate the HTTPS certificate.
        var written = new HashSet<string>(StringComparer.Ordinal) { "600" };
        for (var round = 1; round <= Rewrites; round++)
        {
            var expires = 600 + round;
            written.Add(expires.ToString(System.Globalization.CultureInfo.InvariantCulture));
            for (var i = 0; i < Tenants; i++)
            {
                var yaml = $"domain: t{i}.example\nexpires: {expires}\n";
                if ((round + i) % 2 == 0)
                {
                    _world.WriteAtomically($"t{i}.example.yaml", yaml);
                }
                else
                {
                    _world.WriteTenant($"t{i}.example.yaml", yaml);
                }
            }

            if (round % 20 == 0)
            {
                var certificate = TestCertificates.SelfSigned(["xmpp.hosting.test"]);
                File.WriteAllText(_world.Combine("certs/.hosting.pem.tmp"), certificate.ExportCertificatePem() + "\n");
                File.Move(_world.Combine("certs/.hosting.pem.tmp"), _world.Combine("certs/hosting.pem"), overwrite: true);
            }

            if (round % 40 == 0)
            {
                WriteHttpsCertificate($"rotation {round}");
            }

            await Task.Delay(10);
        }

        var finalThumbprint = WriteHttpsCertificate("final");
        for (var i = 0; i < Tenants; i++)
        {
            _world.WriteAtomically($"t{i}.example.yaml", $"domain: t{i}.example\nexpires: {FinalExpires}\n");
        }

        written.Add(FinalExpires.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var store = _server.Services.GetRequiredService<TenantStore>();
        await Eventually.TrueAsync(
            () => Task.FromResult(Enumerable.Range(0, Tenants).All(i => store.Current.TryGetTenant($"t{i}.example", out var t) && t.Tenant.Expires == FinalExpires)),
            "the last version of every tenant is loaded");
        await Eventually.TrueAsync(
            () => Task.FromResult(string.Equals(_server.Services.GetRequiredService<HttpsCertificateStore>().Select("t0.example")?.TargetCertificate.Thumbprint, finalThumbprint, StringComparison.Ordinal)),
            "the last HTTPS certificate is loaded");

        // After the swap: every tenant, on new and on pooled connections, serves only the last version.
        var stale = new List<string>();
        using var fresh = _server.CreateClient();
        for (var pass = 0; pass < 3; pass++)
        {
            foreach (var client in new[] { http1, http2, fresh })
            {
                for (var i = 0; i < Tenants; i++)
                {
                    var body = await client.GetStringAsync($"https://t{i}.example/.well-known/posh/xmpp-server.json");
                    if (!string.Equals(Expires(body), FinalExpires.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))
                    {
                        stale.Add($"t{i}.example: {body}");
                    }
                }
            }
        }

        await stop.CancelAsync();
        await Task.WhenAll(load);

        // Assert
        Assert.True(failures.IsEmpty, $"{failures.Count} of {requests} requests failed: " + string.Join("; ", failures.Take(10)));
        Assert.True(requests > 100, $"only {requests} requests ran during the storm");
        Assert.Empty(stale);
        Assert.All(served.Keys, expires => Assert.Contains(expires, written));
        using var handshake = await RawHttps.ConnectAsync(_server.HttpsPort, "t0.example", CancellationToken.None);
        Assert.Equal(finalThumbprint, X509CertificateLoader.LoadCertificate(handshake.RemoteCertificate!.GetRawCertData()).Thumbprint);
    }

    private static string Expires(string body)
    {
        var at = body.LastIndexOf("\"expires\":", StringComparison.Ordinal);
        return at < 0 ? body : body[(at + 10)..].TrimEnd('}');
    }

    /// <summary>Writes a new HTTPS certificate and key as a renewal tool does (each file replaced by a rename); returns its thumbprint.</summary>
    private string WriteHttpsCertificate(string label)
    {
        using var certificate = TestCertificates.SelfSigned(["t0.example", "*.example", label.Replace(' ', '-') + ".test"]);
        var pem = Path.Combine(_https.Path, "fullchain.pem");
        var key = Path.Combine(_https.Path, "privkey.pem");
        File.WriteAllText(key + ".tmp", TestCertificates.ExportPrivateKeyPem(certificate));
        File.WriteAllText(pem + ".tmp", certificate.ExportCertificatePem() + "\n");
        File.Move(key + ".tmp", key, overwrite: true);
        File.Move(pem + ".tmp", pem, overwrite: true);
        return certificate.Thumbprint;
    }
}

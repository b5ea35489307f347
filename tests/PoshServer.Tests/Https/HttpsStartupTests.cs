using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using PoshTesting;

namespace PoshServer.Tests.Https;

/// <summary>
/// Issue 13, item 6: right after a restart, Kestrel listened before the stored ACME certificates were in the HTTPS
/// store, and early handshakes got the self-signed development certificate. Here the server starts on stored
/// certificates while a client hammers handshakes from the moment the port opens.
/// </summary>
public sealed class HttpsStartupTests : IDisposable
{
    private static readonly IPAddress s_address = IPAddress.Parse("127.0.53.6");
    private readonly TenantWorld _world = new();
    private readonly TempDirectory _acme = new("posh-acme-");
    private readonly TempDirectory _state = new("posh-state-");
    private readonly TestCertificateAuthority _root = new("Startup Test Root");

    public HttpsStartupTests() => _world.WriteTenant("example.com.yaml", "domain: example.com\n");

    public void Dispose()
    {
        _root.Dispose();
        _state.Dispose();
        _acme.Dispose();
        _world.Dispose();
    }

    [Fact]
    public async Task Issue13_RestartWithStoredAcmeCertificates_NoHandshakeGetsTheDevelopmentCertificate()
    {
        // Many stored names make the start-up load long enough for an early handshake to slip in before it.
        var names = Enumerable.Range(1, 40).Select(i => $"acme{i}.example.com").Append(PoshServerHost.HosterName).ToList();
        var stored = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            using var certificate = _root.Issue([name]);
            var directory = Directory.CreateDirectory(Path.Combine(_acme.Path, "names", name)).FullName;
            TestCertificates.WritePem(certificate, Path.Combine(directory, "chain.pem"), Path.Combine(directory, "key.pem"));
            stored[name] = certificate.Thumbprint;
        }

        var port = FreePort.Tcp(s_address);
        var args = new List<string>
        {
            $"--Tenants:Directory={_world.Path}",
            $"--Https:Address={s_address}",
            $"--Https:Port={port}",
            "--Https:HttpPort=0",
            $"--Posh:HostNames:0={PoshServerHost.HosterName}",
            $"--Posh:PublicBaseUrl=https://{PoshServerHost.HosterName}",
            "--Logging:LogLevel:Default=Warning",
            "--Admin:Enabled=false",
            "--TenantChecks:Background=false",
            $"--Rotation:StatePath={_state.Combine("rotation-state.json")}",
            "--Acme:Enabled=true",
            "--Acme:AcceptTermsOfService=true",
            // Never contacted: every stored certificate is fresh, so nothing is due.
            "--Acme:DirectoryUrl=https://127.0.53.6:1/directory",
            "--Acme:Preflight=false",
            $"--Acme:StoragePath={_acme.Path}",
        };
        args.AddRange(names.Select((name, i) => $"--Acme:HostNames:{i}={name}"));

        var presented = new ConcurrentBag<(string Name, string Thumbprint, string Subject)>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var hammer = Task.Run(() => HammerAsync(port, [names[^2], PoshServerHost.HosterName, "other.example"], presented, stop.Token));

        var app = PoshServerApp.Build(PoshServerApp.CreateBuilder([.. args]));
        await using (app)
        {
            var problems = TestStartup.LoadBeforeStart(app);
            Assert.Empty(problems);
            await app.StartAsync(stop.Token);
            await hammer;
            await app.StopAsync(stop.Token);
        }

        Assert.NotEmpty(presented);
        Assert.DoesNotContain(presented, p => p.Subject.Contains("development", StringComparison.OrdinalIgnoreCase));
        Assert.All(presented.Where(p => stored.ContainsKey(p.Name)), p => Assert.Equal(stored[p.Name], p.Thumbprint));
    }

    /// <summary>Connects until the port opens, then runs 300 handshakes cycling through the names.</summary>
    private static async Task HammerAsync(int port, string[] serverNames, ConcurrentBag<(string, string, string)> presented, CancellationToken cancellationToken)
    {
        var done = 0;
        for (var attempt = 0; done < 300; attempt++)
        {
            var name = serverNames[attempt % serverNames.Length];
            using var tcp = new TcpClient();
            try
            {
                await tcp.ConnectAsync(s_address, port, cancellationToken);
            }
            catch (SocketException)
            {
                // Not listening yet: try again at once, so the first handshake comes as early as the port allows.
                continue;
            }

            await using var tls = new SslStream(tcp.GetStream());
            try
            {
                await tls.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = name,
                        EnabledSslProtocols = SslProtocols.None,
                        RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                        {
                            using var leaf = X509CertificateLoader.LoadCertificate(certificate!.GetRawCertData());
                            presented.Add((name, leaf.Thumbprint, leaf.Subject));
                            return true;
                        },
                    },
                    cancellationToken);
            }
            catch (Exception ex) when (ex is AuthenticationException or IOException)
            {
                // A refused handshake (a name with no certificate) presents nothing, which is what we want for it.
            }

            done++;
        }
    }
}

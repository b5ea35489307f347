using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PoshClient;
using PoshClient.Dns;
using PoshClient.Documents;
using PoshClient.Verification;
using PoshClient.Xmpp;
using PoshServer.Rotation;
using PoshServer.Tenants;
using PoshTesting;

namespace PoshServer.Tests.Rotation;

/// <summary>
/// The issue's acceptance test: a certificate set rotates while a POSH client keeps connecting to a real Prosody
/// through the switch. The server (rotation, safe-at, the automatic switch) and the client (its document cache) share
/// one manual clock; Prosody, Kestrel, TLS and the reload command are real.
/// </summary>
public sealed class RotationWithProsodyTests
{
    private const string Tenant = "tenant.test";
    private const string XmppName = "xmpp.hosting.test";
    private const long Expires = 3600;
    private const long MarginSeconds = 300;

    /// <summary>The longest expires (the tenant's and the default are both 3600 s) plus the set's margin.</summary>
    private static readonly TimeSpan s_drain = TimeSpan.FromSeconds(Expires + MarginSeconds);

    private static readonly TimeSpan s_step = TimeSpan.FromSeconds(Expires / 4);

    [Fact]
    public async Task AutomaticSwitch_ClientWithCachedDocumentsKeepsConnecting_NoVerificationFails()
    {
        // Arrange
        await using var rig = await Rig.StartAsync();
        var (clock, client, coordinator, c1, c2) = (rig.Clock, rig.Client, rig.Coordinator, rig.C1, rig.C2);

        // Steady: Prosody presents C1, which the client verifies by POSH and whose document it now caches.
        Assert.Equal(RotationPhase.Steady, Assert.Single(await coordinator.EvaluateAsync()).Phase);
        Assert.Equal(c1, await client.ConnectAsync("steady"));

        // The renewal tool writes C2 into the next slot: published at once, with safe-at = now + longest expires + margin.
        clock.Advance(TimeSpan.FromMinutes(1));
        var publishedAt = clock.GetUtcNow();
        rig.WriteNext();
        var publishing = Assert.Single(await coordinator.EvaluateAsync());
        Assert.Equal(RotationPhase.Publishing, publishing.Phase);
        Assert.Equal(c2, publishing.Next!.Sha256);
        var safeAt = publishedAt + s_drain;
        Assert.Equal(safeAt, publishing.SafeAt);
        Assert.Equal(new[] { c1, c2 }.Order(StringComparer.Ordinal), (await rig.ServedFingerprintsAsync()).Order(StringComparer.Ordinal));
        Assert.Equal(c1, await client.ConnectAsync("C2 published"));

        // Act and assert along the way.
        // Before safe-at: no switch; Prosody still presents C1 while the client's cached document (without C2) expires.
        while (clock.GetUtcNow() < safeAt - TimeSpan.FromSeconds(1))
        {
            clock.Advance(Min(s_step, safeAt - TimeSpan.FromSeconds(1) - clock.GetUtcNow()));
            var waiting = Assert.Single(await coordinator.EvaluateAsync());
            Assert.Equal(RotationPhase.Publishing, waiting.Phase);
            Assert.Null(waiting.LastSwitch);
            Assert.Equal(c1, await client.ConnectAsync("before safe-at"));
        }

        // At safe-at: C2 is copied into place, Prosody is told to reload, and it presents C2.
        clock.Advance(TimeSpan.FromSeconds(1));
        var switched = Assert.Single(await coordinator.EvaluateAsync());
        Assert.True(switched.LastSwitch is { Succeeded: true }, switched.LastSwitch?.Message + "\n" + rig.Prosody.Log);
        Assert.True(switched.LastSwitch!.At >= safeAt, "the switch happened before safe-at");
        Assert.Equal(RotationPhase.Draining, switched.Phase);
        var retireAt = Assert.Single(switched.Retiring).RetireAt!.Value;
        await rig.ConnectUntilPresentedAsync(c2, "around the reload");

        // Draining: C1 stays published until every cached document that lacks C2 has expired, then it is retired.
        while (clock.GetUtcNow() < retireAt)
        {
            clock.Advance(Min(s_step, retireAt - clock.GetUtcNow()));
            var draining = Assert.Single(await coordinator.EvaluateAsync());
            Assert.Equal(c2, await client.ConnectAsync("draining"));
            if (clock.GetUtcNow() < retireAt)
            {
                Assert.Equal(RotationPhase.Draining, draining.Phase);
                Assert.Contains(c1, await rig.ServedFingerprintsAsync());
            }
        }

        Assert.Equal(RotationPhase.Steady, Assert.Single(coordinator.Statuses).Phase);
        Assert.Equal([c2], await rig.ServedFingerprintsAsync());
        Assert.Equal(c2, await client.ConnectAsync("after retirement"));
        Assert.True(client.Failures.Count == 0, string.Join('\n', client.Failures) + "\n" + rig.Prosody.Log);
        Assert.True(client.Connections.Count(c => string.Equals(c.Presented, c1, StringComparison.Ordinal)) >= 3, string.Join('\n', client.Connections));
        Assert.True(client.Connections.Count(c => string.Equals(c.Presented, c2, StringComparison.Ordinal)) >= 3, string.Join('\n', client.Connections));
        Assert.True(
            client.Connections.Where(c => c.At < safeAt).All(c => string.Equals(c.Presented, c1, StringComparison.Ordinal)),
            "Prosody presented C2 before safe-at:\n" + string.Join('\n', client.Connections));
    }

    /// <summary>The control: what the safe-at wait prevents. The same world, but C2 is deployed by hand right after it is published.</summary>
    [Fact]
    public async Task ManualSwitchBeforeSafeAt_ClientWithCachedDocument_VerificationFailsAndRotationNeedsAttention()
    {
        // Arrange
        await using var rig = await Rig.StartAsync(automatic: false);
        await rig.Coordinator.EvaluateAsync();
        Assert.Equal(rig.C1, await rig.Client.ConnectAsync("steady"));
        rig.Clock.Advance(TimeSpan.FromMinutes(1));
        rig.WriteNext();
        Assert.Equal(RotationPhase.Publishing, Assert.Single(await rig.Coordinator.EvaluateAsync()).Phase);

        // Act: an operator copies C2 into place and reloads Prosody at once.
        rig.Clock.Advance(TimeSpan.FromSeconds(1));
        File.Copy(rig.World.Combine("renewed/xmpp.key"), rig.World.Combine("deployed/xmpp.key"), overwrite: true);
        File.Copy(rig.World.Combine("renewed/xmpp.pem"), rig.World.Combine("deployed/xmpp.pem"), overwrite: true);
        await rig.ReloadProsodyAsync();
        await rig.ConnectUntilPresentedAsync(rig.C2, "after the early switch");
        var status = Assert.Single(await rig.Coordinator.EvaluateAsync());

        // Assert: the client's cached document predates C2, so it rejects the certificate; rotation says why.
        var failure = Assert.Single(rig.Client.Failures);
        Assert.Contains("fingerprint mismatch", failure, StringComparison.Ordinal);
        Assert.Equal(RotationPhase.Attention, status.Phase);
        Assert.Contains("was deployed before its safe-at time", status.Note, StringComparison.Ordinal);
    }

    private static string Sha256(X509Certificate2 certificate) => Convert.ToBase64String(certificate.GetCertHash(HashAlgorithmName.SHA256));

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>
    /// Prosody serving the tenant from the set's deployed files, the real server (Kestrel, rotation) on the manual
    /// clock serving the tenant's document over HTTPS from the test CA, and a client.
    /// </summary>
    private sealed class Rig : IAsyncDisposable
    {
        private readonly TempDirectory _state = new("posh-rotation-prosody-state-");
        private readonly TestCertificateAuthority _ca = new("PoshServer Rotation Test Root");
        private readonly X509Certificate2 _current = TestCertificates.SelfSigned([XmppName]);
        private readonly X509Certificate2 _renewed = TestCertificates.SelfSigned([XmppName]);
        private ProsodyServer? _prosody;
        private PoshServerHost? _server;
        private HttpClient? _observer;
        private Client? _client;

        private Rig()
        {
            // The manual clock starts at the real time, so certificates minted now are valid on both clocks.
            Clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
            World = new TenantWorld(withDefaultSet: false);
            C1 = Sha256(_current);
            C2 = Sha256(_renewed);
        }

        public FakeTimeProvider Clock { get; }

        public TenantWorld World { get; }

        /// <summary>The certificate deployed at the start.</summary>
        public string C1 { get; }

        /// <summary>The renewed certificate.</summary>
        public string C2 { get; }

        public ProsodyServer Prosody => _prosody!;

        public RotationCoordinator Coordinator => _server!.Services.GetRequiredService<RotationCoordinator>();

        public Client Client => _client!;

        public static async Task<Rig> StartAsync(bool automatic = true)
        {
            var rig = new Rig();
            try
            {
                await rig.InitializeAsync(automatic);
                return rig;
            }
            catch
            {
                await rig.DisposeAsync();
                throw;
            }
        }

        /// <summary>The renewal tool writes C2 and its key into the next slot.</summary>
        public void WriteNext()
        {
            TestCertificates.WritePem(_renewed, World.Combine("renewed/xmpp.pem"), World.Combine("renewed/xmpp.key"));
            _server!.Services.GetRequiredService<TenantStore>().Reload("renewal");
        }

        /// <summary>The sha-256 fingerprints of the tenant's document as the server serves it now (not through the client's cache).</summary>
        public async Task<List<string>> ServedFingerprintsAsync()
        {
            var body = await _observer!.GetByteArrayAsync(new Uri($"https://{Tenant}{PoshService.XmppClient.WellKnownPath()}"));
            using var document = JsonDocument.Parse(body);
            return [.. document.RootElement.GetProperty("fingerprints").EnumerateArray().Select(f => f.GetProperty("sha-256").GetString()!)];
        }

        /// <summary>Prosody handles SIGHUP on its own schedule: connects (each one a verification) until new handshakes present <paramref name="sha256"/>.</summary>
        public async Task ConnectUntilPresentedAsync(string sha256, string when)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (!string.Equals(await Client.ConnectAsync(when), sha256, StringComparison.Ordinal))
            {
                Assert.False(deadline.IsCancellationRequested, $"Prosody did not present {sha256} after the reload:\n{Prosody.Log}");
                await Task.Delay(100, CancellationToken.None);
            }
        }

        public async Task ReloadProsodyAsync()
        {
            var start = new System.Diagnostics.ProcessStartInfo(Prosody.ReloadCommand[0]) { UseShellExecute = false };
            foreach (var argument in Prosody.ReloadCommand.Skip(1))
            {
                start.ArgumentList.Add(argument);
            }

            using var process = System.Diagnostics.Process.Start(start)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, process.ExitCode);
        }

        public async ValueTask DisposeAsync()
        {
            if (_client is not null)
            {
                await _client.DisposeAsync();
            }

            _observer?.Dispose();
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }

            if (_prosody is not null)
            {
                await _prosody.DisposeAsync();
            }

            _current.Dispose();
            _renewed.Dispose();
            _ca.Dispose();
            World.Dispose();
            _state.Dispose();
        }

        private async Task InitializeAsync(bool automatic)
        {
            Directory.CreateDirectory(World.Combine("deployed"));
            Directory.CreateDirectory(World.Combine("renewed"));
            TestCertificates.WritePem(_current, World.Combine("deployed/xmpp.pem"), World.Combine("deployed/xmpp.key"));
            using (var web = _ca.Issue([Tenant, PoshServerHost.HosterName]))
            {
                TestCertificates.WritePem(web, _state.Combine("https.pem"), _state.Combine("https.key"));
            }

            _prosody = await ProsodyServer.StartAsync(Tenant, World.Combine("deployed/xmpp.pem"), World.Combine("deployed/xmpp.key"));
            World.WriteSets($"""
                default:
                  certificates:
                    - deployed/xmpp.pem
                  next: renewed/xmpp.pem
                  next_key: renewed/xmpp.key
                  deploy:
                    certificate: deployed/xmpp.pem
                    key: deployed/xmpp.key
                    reload: [{string.Join(", ", _prosody.ReloadCommand)}]
                    automatic: {(automatic ? "true" : "false")}
                    margin: {MarginSeconds}
                """);
            World.WriteTenant("tenant.yaml", $"domain: {Tenant}\nservices: [xmpp-client]\nexpires: {Expires}\n");
            _server = await PoshServerHost.StartAsync(
                World.Path,
                Clock,
                $"--Https:Certificates:0:CertificateFile={_state.Combine("https.pem")}",
                $"--Https:Certificates:0:KeyFile={_state.Combine("https.key")}",
                $"--Rotation:StatePath={_state.Combine("rotation.json")}");
            _observer = _server.CreateClient();
            _client = new Client(_ca, _server.HttpsPort, _prosody, Clock);
        }
    }

    /// <summary>
    /// A PoshClient as a peer runs it: its verifier (and so its document cache) on the shared manual clock, HTTPS to
    /// the server for any name, the XMPP connector aimed at Prosody's c2s port for the tenant (SNI and stream 'to' =
    /// the tenant). No refetch on mismatch within an hour, so a cached document is really what decides.
    /// </summary>
    private sealed class Client : IAsyncDisposable
    {
        private readonly HttpClient _http;
        private readonly PoshVerifier _verifier;
        private readonly XmppConnector _connector;
        private readonly ProsodyServer _prosody;
        private readonly TimeProvider _clock;

        public Client(TestCertificateAuthority ca, int httpsPort, ProsodyServer prosody, TimeProvider clock)
        {
            _prosody = prosody;
            _clock = clock;
            var options = new PoshClientOptions { WebChainPolicy = ca.CreateChainPolicy(), MinimumRefetchInterval = TimeSpan.FromHours(1) };
            var handler = PoshVerifier.CreateHttpHandler(options);
            handler.ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, httpsPort), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            };
            _http = new HttpClient(handler);
            _verifier = new PoshVerifier(_http, options, clock);
            // PKIX trusts only the test CA, which issued neither XMPP certificate: every acceptance is POSH's.
            var validator = new PoshCertificateValidator(_verifier, new PoshCertificateValidatorOptions { ChainPolicy = ca.CreateChainPolicy() }, clock);
            // Connection time-outs run on the real clock; the host override means no DNS lookups.
            _connector = new XmppConnector(new DnsResolver(new DnsResolverOptions()), validator, TimeProvider.System);
        }

        public List<(DateTimeOffset At, string When, string Presented)> Connections { get; } = [];

        public List<string> Failures { get; } = [];

        /// <summary>Connects once; returns the presented certificate's sha-256 and records a failed verification.</summary>
        public async Task<string> ConnectAsync(string when)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var options = new XmppConnectOptions { Host = _prosody.Address.ToString(), Port = _prosody.C2sPort };
            var result = await _connector.ConnectAsync(Tenant, PoshService.XmppClient, options, timeout.Token);
            if (result.Connection is { } connection)
            {
                await connection.DisposeAsync();
            }

            var at = _clock.GetUtcNow();
            var presented = result.Report.Certificate?.Certificate?.Sha256Base64 ?? "(none)";
            Connections.Add((at, when, presented));
            if (!result.IsConnected || result.Report.ProofType != CertificateProofType.Posh)
            {
                Failures.Add(string.Create(CultureInfo.InvariantCulture, $"{at:u} {when}: {result.Status}: {result.Reason}"));
            }

            return presented;
        }

        public ValueTask DisposeAsync()
        {
            _verifier.Dispose();
            _http.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PoshServer.Https;
using PoshTesting;

namespace PoshServer.Tests.Health;

/// <summary>Issue 13, item 9: log amplification by health probes and by peers' protocol abuse, counted in lines.</summary>
public sealed class HealthEndpointsTests : IAsyncLifetime
{
    private readonly TenantWorld _world = new();
    private readonly TempDirectory _state = new("posh-state-");
    private readonly CapturedLogProvider _logs = new();
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _world.WriteTenant("example.com.yaml", "domain: example.com\n");
        string[] args =
        [
            $"--Tenants:Directory={_world.Path}",
            "--Tenants:ReloadDebounce=00:00:00.050",
            "--Https:Address=127.0.53.9",
            "--Https:Port=0",
            "--Https:HttpPort=0",
            $"--Posh:HostNames:0={PoshServerHost.HosterName}",
            $"--Posh:PublicBaseUrl=https://{PoshServerHost.HosterName}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:PoshServer.Health=Information",
            "--Admin:Enabled=false",
            "--TenantChecks:Background=false",
            $"--Rotation:StatePath={_state.Combine("rotation-state.json")}",
        ];
        var builder = PoshServerApp.CreateBuilder(args);
        builder.Logging.AddProvider(_logs);
        _app = PoshServerApp.Build(builder);
        Assert.Empty(PoshServerApp.LoadBeforeStart(_app));
        await _app.StartAsync();
        var https = new Uri(_app.Urls.First(a => a.StartsWith("https:", StringComparison.Ordinal)));
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        _client = new HttpClient(handler) { BaseAddress = https };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _state.Dispose();
        _world.Dispose();
    }

    [Fact]
    public async Task Issue13_HealthzWhileDegraded_LogsTheStateChangeOnceNotPerProbe()
    {
        _world.WriteTenant("broken.yaml", "domain: [not, a, domain\n");
        await Eventually.TrueAsync(async () => (await _client.GetStringAsync("/healthz")).Contains("Degraded", StringComparison.Ordinal), "the reload rejected the file");

        for (var i = 0; i < 30; i++)
        {
            using var response = await _client.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Nothing else is duplicated through the peer-protocol limiter either.
        Assert.DoesNotContain(_logs.Lines, l => l.Category.StartsWith("PoshServer.Https.PeerProtocol", StringComparison.Ordinal));
        var healthLines = _logs.Lines.Where(l => l.Level >= LogLevel.Warning && l.Category.Contains("Health", StringComparison.Ordinal)).ToList();
        Assert.Single(healthLines);
        Assert.Contains("Degraded", healthLines[0].Message, StringComparison.Ordinal);

        // Back to healthy: one more line, at Information.
        _world.Delete("broken.yaml");
        await Eventually.TrueAsync(async () => (await _client.GetStringAsync("/healthz")).Contains("Healthy", StringComparison.Ordinal), "the reload accepted the directory");
        Assert.Single(_logs.Lines, l => l.Category.Contains("Health", StringComparison.Ordinal) && l.Message.Contains("(was Degraded)", StringComparison.Ordinal));
    }

    [Fact]
    public void Issue13_KestrelHttp2AbuseBurst_OneLinePerEventAndASummary()
    {
        // What Kestrel logs when a rapid-reset burst overflows a connection's output queue: critical, per connection.
        var kestrel = _app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Server.Kestrel.Http2");
        var queueExceeded = new EventId(60, "Http2QueueOperationsExceeded");
        var before = _logs.Lines.Count;
        for (var i = 0; i < 1372; i++)
        {
#pragma warning disable CA1848, CA2254, CA1873 // Kestrel's own call, reproduced
            kestrel.Log(LogLevel.Critical, queueExceeded, $"Connection id \"0HN{i % 60}\" exceeded the output operations maximum queue size.");
#pragma warning restore CA1848, CA2254, CA1873
        }

        _app.Services.GetServices<ILoggerProvider>().OfType<PeerProtocolLogLimiter>().Single().Flush();

        var lines = _logs.Lines.Skip(before).ToList();
        Assert.Equal(2, lines.Count);
        Assert.All(lines, l => Assert.Equal("PoshServer.Https.PeerProtocol", l.Category));
        Assert.DoesNotContain(lines, l => l.Level == LogLevel.Critical);
        Assert.Contains("1371", lines[1].Message, StringComparison.Ordinal);
        Assert.Contains("Http2QueueOperationsExceeded", lines[1].Message, StringComparison.Ordinal);
    }
}

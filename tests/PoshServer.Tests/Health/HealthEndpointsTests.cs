using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using PoshServer.Https;
using PoshTesting;

namespace PoshServer.Tests.Health;

/// <summary>Issue 13, item 9: log amplification by health probes and by peers' protocol abuse, counted in lines.</summary>
public sealed class HealthEndpointsTests : IAsyncLifetime
{
    private readonly TenantWorld _world = new();
    private readonly TempDirectory _state = new("posh-state-");
    private readonly FakeLogCollector _logs = new();
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
        builder.Logging.AddProvider(new FakeLoggerProvider(_logs));
        _app = PoshServerApp.Build(builder);
        Assert.Empty(TestStartup.LoadBeforeStart(_app));
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
        await Eventually.TrueAsync(async () => HealthJson.Status(await _client.GetStringAsync("/healthz")) == "Degraded", "the reload rejected the file");

        for (var i = 0; i < 30; i++)
        {
            using var response = await _client.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Nothing else is duplicated through the peer-protocol limiter either.
        var records = _logs.GetSnapshot();
        Assert.DoesNotContain(records, r => r.Category == "PoshServer.Https.PeerProtocol");
        var changed = Assert.Single(records, r => r.Level >= LogLevel.Warning && r.Category?.Contains("Health", StringComparison.Ordinal) == true);
        Assert.Equal(new EventId(351, "HealthChanged"), changed.Id);
        Assert.Equal("Degraded", changed.GetStructuredStateValue("Status"));

        // Back to healthy: one more line, at Information.
        _world.Delete("broken.yaml");
        await Eventually.TrueAsync(async () => HealthJson.Status(await _client.GetStringAsync("/healthz")) == "Healthy", "the reload accepted the directory");
        var recovered = Assert.Single(_logs.GetSnapshot(), r => r.Id.Name == "HealthRecovered");
        Assert.Equal(LogLevel.Information, recovered.Level);
        Assert.Equal("Healthy", recovered.GetStructuredStateValue("Status"));
        Assert.Equal("Degraded", recovered.GetStructuredStateValue("Previous"));
    }

    [Theory]
    [InlineData("/healthz", "tenants")]
    [InlineData("/healthz/ready", "tenants")]
    [InlineData("/healthz/live", null)]
    public async Task Issue14_Healthz_AnswersJsonWithTheStatusAndEachCheck(string path, string? check)
    {
        using var response = await _client.GetAsync(path);
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        var checks = json.RootElement.GetProperty("checks").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        if (check is null)
        {
            Assert.Empty(checks);
        }
        else
        {
            Assert.Equal("Healthy", checks[check]);
            Assert.All(checks.Values, status => Assert.Equal("Healthy", status));
        }
    }

    [Fact]
    public void Issue13_KestrelHttp2AbuseBurst_OneLinePerEventAndASummary()
    {
        // What Kestrel logs when a rapid-reset burst overflows a connection's output queue: critical, per connection.
        var kestrel = _app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Server.Kestrel.Http2");
        var queueExceeded = new EventId(60, "Http2QueueOperationsExceeded");
        var before = _logs.Count;
        for (var i = 0; i < 1372; i++)
        {
#pragma warning disable CA1848, CA2254, CA1873 // Kestrel's own call, reproduced
            kestrel.Log(LogLevel.Critical, queueExceeded, $"Connection id \"0HN{i % 60}\" exceeded the output operations maximum queue size.");
#pragma warning restore CA1848, CA2254, CA1873
        }

        _app.Services.GetServices<ILoggerProvider>().OfType<PeerProtocolLogLimiter>().Single().Flush();

        var records = _logs.GetSnapshot().Skip(before).ToList();
        Assert.Equal(["PeerProtocolEvent", "PeerProtocolSummary"], records.Select(r => r.Id.Name));
        Assert.All(records, r => Assert.Equal("PoshServer.Https.PeerProtocol", r.Category));
        Assert.DoesNotContain(records, r => r.Level == LogLevel.Critical);
        // The event's name is the first value (its placeholder's key follows the parameter's spelling, '@event').
        Assert.Equal("Http2QueueOperationsExceeded", records[0].StructuredState![0].Value);
        Assert.Equal("1371", records[1].GetStructuredStateValue("Count"));
        Assert.Contains("Http2QueueOperationsExceeded x1371", records[1].GetStructuredStateValue("Counts"), StringComparison.Ordinal);
    }
}

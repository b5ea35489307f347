using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Testing;
using PoshServer.Status;
using PoshServer.TenantChecks;
using PoshTesting;

namespace PoshServer.Tests.TenantChecks;

/// <summary>
/// Issue 14, item 5: background checks look names up on the network, so they run only when the hoster configured
/// <c>TenantChecks:XmppHosts</c>, and only once the server listens. The tenants here are disabled: a round, if one
/// ran, would check nothing and send no lookup, so even a failing run of these tests stays on loopback.
/// </summary>
public sealed class TenantCheckServiceTests : IDisposable
{
    private readonly TenantWorld _world = new();
    private readonly TempDirectory _state = new("posh-state-");

    public TenantCheckServiceTests() => _world.WriteTenant("example.com.yaml", "domain: example.com\ndisabled: true\n");

    public void Dispose()
    {
        _state.Dispose();
        _world.Dispose();
    }

    [Fact]
    public async Task Issue14_NoXmppHosts_RunningServerMakesNoTenantCheckRound()
    {
        await using var server = await PoshServerHost.StartAsync(_world.Path, null, "--TenantChecks:Background=true");
        var service = server.Services.GetRequiredService<TenantCheckService>();

        // The background loop ends at once instead of waiting for its next round.
        await Eventually.TrueAsync(() => Task.FromResult(service.ExecuteTask is { IsCompleted: true }), "the background checks stopped for want of XMPP hosts");

        Assert.Null(server.Services.GetRequiredService<TenantCheckResults>().LastRound);
        var status = server.Services.GetRequiredService<StatusReportBuilder>().Build();
        Assert.Equal(TenantCheckSchedule.NotConfigured, status.ChecksSchedule);
        Assert.Null(status.ChecksCompletedAt);
    }

    [Fact]
    public async Task Issue14_WithXmppHosts_FirstRoundBeginsOnlyAfterApplicationStarted()
    {
        var app = PoshServerApp.Build(PoshServerApp.CreateBuilder(
        [
            $"--Tenants:Directory={_world.Path}",
            "--Https:Address=127.0.75.1",
            "--Https:Port=0",
            "--Https:HttpPort=0",
            $"--Posh:HostNames:0={PoshServerHost.HosterName}",
            $"--Posh:PublicBaseUrl=https://{PoshServerHost.HosterName}",
            "--Logging:LogLevel:Default=Warning",
            "--Admin:Enabled=false",
            "--TenantChecks:XmppHosts:0=xmpp.hosting.test",
            $"--Rotation:StatePath={_state.Combine("rotation-state.json")}",
        ]));
        await using var _ = app;
        Assert.Empty(TestStartup.LoadBeforeStart(app));
        var lifetime = new TestLifetime();
        var logger = new FakeLogger<TenantCheckService>();
        using var service = ActivatorUtilities.CreateInstance<TenantCheckService>(app.Services, lifetime, logger);
        var results = app.Services.GetRequiredService<TenantCheckResults>();

        await service.StartAsync(CancellationToken.None);
        try
        {
            // Scheduled is logged just before the wait for ApplicationStarted: from here on, only starting moves it.
            await Eventually.TrueAsync(() => Task.FromResult(logger.Collector.GetSnapshot().Any(r => r.Id.Name == "TenantChecksScheduled")), "the background checks are scheduled");
            Assert.Null(results.LastRound);
            Assert.DoesNotContain(logger.Collector.GetSnapshot(), r => r.Id.Name == "TenantCheckRoundCompleted");

            lifetime.Start();

            await Eventually.TrueAsync(() => Task.FromResult(logger.Collector.GetSnapshot().Any(r => r.Id.Name == "TenantCheckRoundCompleted")), "the first round ran after start");
            Assert.NotNull(results.LastRound);
            var round = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Name == "TenantCheckRoundCompleted");
            Assert.Equal("0", round.GetStructuredStateValue("Count"));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
            lifetime.Dispose();
        }
    }

    private sealed class TestLifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _started = new();
        private readonly CancellationTokenSource _stopping = new();
        private readonly CancellationTokenSource _stopped = new();

        public CancellationToken ApplicationStarted => _started.Token;

        public CancellationToken ApplicationStopping => _stopping.Token;

        public CancellationToken ApplicationStopped => _stopped.Token;

        public void Start() => _started.Cancel();

        public void StopApplication() => _stopping.Cancel();

        public void Dispose()
        {
            _started.Dispose();
            _stopping.Dispose();
            _stopped.Dispose();
        }
    }
}

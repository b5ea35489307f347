using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using PoshServer.Acme;
using PoshServer.Telemetry;
using PoshServer.Tenants;
using PoshTesting;

namespace PoshServer.Tests.Telemetry;

/// <summary>Activities for a tenant reload and an ACME order, and OTLP export to a real receiver when configured.</summary>
public sealed class TelemetryTests : IDisposable
{
    private static readonly IPAddress s_address = IPAddress.Parse("127.0.66.1");
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;
    private readonly TenantWorld _world = new();

    public TelemetryTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == PoshServerActivities.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _world.Dispose();
    }

    [Fact]
    public async Task TenantReload_FileChange_ActivityWithReasonOutcomeAndCount()
    {
        _world.WriteTenant("a.yaml", "domain: a.example\n");
        _world.WriteTenant("b.yaml", "domain: b.example\n");
        _world.WriteTenant("c.yaml", "domain: c.example\n");
        await using var server = await PoshServerHost.StartAsync(_world.Path);

        _world.WriteAtomically("d.yaml", "domain: d.example\n");

        await Eventually.TrueAsync(
            () => Task.FromResult(_stopped.Any(a => a.OperationName == PoshServerActivities.TenantsReload
                && Equals(a.GetTagItem("posh.reload.reason"), "file change")
                && Equals(a.GetTagItem("posh.reload.outcome"), "ok")
                && Equals(a.GetTagItem("posh.reload.tenants"), 4))),
            "a reload activity counts the fourth tenant");
    }

    [Fact]
    public async Task TenantLoad_StartUp_ActivityWithReasonOutcomeAndCount()
    {
        _world.WriteTenant("a.yaml", "domain: a.example\n");
        _world.WriteTenant("b.yaml", "domain: b.example\n");
        _world.WriteTenant("c.yaml", "domain: c.example\n");
        _world.WriteTenant("d.yaml", "domain: d.example\n");
        _world.WriteTenant("e.yaml", "domain: e.example\n");
        await using var server = await PoshServerHost.StartAsync(_world.Path);

        Assert.Contains(_stopped, a => a.OperationName == PoshServerActivities.TenantsReload
            && Equals(a.GetTagItem("posh.reload.reason"), TenantStore.StartUpReason)
            && Equals(a.GetTagItem("posh.reload.full"), true)
            && Equals(a.GetTagItem("posh.reload.outcome"), "ok")
            && Equals(a.GetTagItem("posh.reload.tenants"), 5));
    }

    [Fact]
    public async Task AcmeOrder_DirectoryUnreachable_ActivityWithHostNameAndErrorStatus()
    {
        using var storage = new TempDirectory("posh-acme-");
        var closedPort = FreePort.Tcp(s_address);
        var builder = PoshServerApp.CreateBuilder(
        [
            $"--Tenants:Directory={_world.Path}",
            "--Acme:Enabled=true",
            "--Acme:AcceptTermsOfService=true",
            $"--Acme:DirectoryUrl=https://{s_address}:{closedPort}/directory",
            $"--Acme:StoragePath={storage.Path}",
            "--Logging:LogLevel:Default=None",
        ]);
        await using var app = builder.Build();

        await Assert.ThrowsAnyAsync<Exception>(() => app.Services.GetRequiredService<AcmeIssuer>().IssueAsync("order.acme-activity.example"));

        var order = Assert.Single(_stopped, a => a.OperationName == PoshServerActivities.AcmeOrder && Equals(a.GetTagItem("acme.host_name"), "order.acme-activity.example"));
        Assert.Equal(ActivityStatusCode.Error, order.Status);
    }

    [Fact]
    public async Task OtlpEndpoint_Configured_ReceiverGetsTracesAndMetrics()
    {
        await using var receiver = await OtlpReceiver.StartAsync(s_address);
        _world.WriteTenant("alpha.yaml", "domain: alpha.example\n");
        await using var server = await PoshServerHost.StartAsync(_world.Path, null, $"--OpenTelemetry:OtlpEndpoint={receiver.Url}");
        using var client = server.CreateClient();
        using (await client.GetAsync(new Uri("https://alpha.example/.well-known/posh/xmpp-server.json")))
        {
        }

        var traces = server.Services.GetRequiredService<TracerProvider>();
        var metrics = server.Services.GetRequiredService<MeterProvider>();
        await Eventually.TrueAsync(
            () =>
            {
                traces.ForceFlush();
                metrics.ForceFlush();
                return Task.FromResult(receiver.Received("/v1/traces", PoshServerActivities.TenantsReload) && receiver.Received("/v1/metrics", "posh.documents.served"));
            },
            "the receiver has the reload span and the documents-served metric");
    }

    [Fact]
    public async Task OtlpEndpoint_NotConfigured_NoOpenTelemetrySdk()
    {
        _world.WriteTenant("alpha.yaml", "domain: alpha.example\n");
        await using var server = await PoshServerHost.StartAsync(_world.Path);

        Assert.Null(server.Services.GetService<TracerProvider>());
        Assert.Null(server.Services.GetService<MeterProvider>());
    }

    [Theory]
    [InlineData("otel-collector:4318")]
    [InlineData("ftp://otel-collector:4318")]
    [InlineData("http://otel-collector:4318/?x=1")]
    public async Task OtlpEndpoint_Invalid_StartupFailsNamingTheKey(string endpoint)
    {
        var builder = PoshServerApp.CreateBuilder([$"--Tenants:Directory={_world.Path}", $"--OpenTelemetry:OtlpEndpoint={endpoint}"]);
        await using var app = builder.Build();

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value);
        Assert.Contains("OpenTelemetry:OtlpEndpoint", error.Message, StringComparison.Ordinal);
    }
}

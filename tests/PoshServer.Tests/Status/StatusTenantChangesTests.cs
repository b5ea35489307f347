using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PoshServer.Status;
using PoshServer.TenantChecks;
using PoshServer.Tenants;
using PoshTesting;

namespace PoshServer.Tests.Status;

/// <summary>Issue 14 item 8: a tenant change shows at once on the status page, not an hour later with the next round.</summary>
public sealed class StatusTenantChangesTests
{
    private static readonly DateTimeOffset s_start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Issue14_StaleStatus_DisabledChangedAndRemovedTenants_NotShownWithTheirOldPass()
    {
        using var world = new TenantWorld();
        world.WriteTenant("kept.yaml", "domain: kept.test\n");
        world.WriteTenant("changed.yaml", "domain: changed.test\n");
        world.WriteTenant("disabled.yaml", "domain: disabled.test\n");
        world.WriteTenant("removed.yaml", "domain: removed.test\n");
        var clock = new FakeTimeProvider(s_start);
        await using var app = Build(world, clock);
        var builder = app.Services.GetRequiredService<StatusReportBuilder>();
        var checks = app.Services.GetRequiredService<TenantCheckResults>();
        foreach (var domain in new[] { "kept.test", "changed.test", "disabled.test", "removed.test" })
        {
            checks.Set(Pass(domain, clock.GetUtcNow()));
        }

        Assert.All(builder.Build().Tenants, t => Assert.Equal(StatusTenantState.Pass, t.State));

        clock.Advance(TimeSpan.FromSeconds(5));
        world.WriteAtomically("changed.yaml", "domain: changed.test\nexpires: 120\n");
        world.WriteAtomically("disabled.yaml", "domain: disabled.test\ndisabled: true\n");
        world.Delete("removed.yaml");
        app.Services.GetRequiredService<TenantStore>().Reload("test");
        var report = builder.Build();

        var states = report.Tenants.ToDictionary(t => t.Domain, t => t.State);
        Assert.Equal(new Dictionary<string, StatusTenantState>
        {
            ["changed.test"] = StatusTenantState.Stale,
            ["disabled.test"] = StatusTenantState.Disabled,
            ["kept.test"] = StatusTenantState.Pass,
        }, states);
        Assert.Equal(clock.GetUtcNow(), report.Tenants.Single(t => t.Domain == "changed.test").ChangedAt);
        Assert.Null(checks.Get("removed.test"));

        // The next check of the changed tenant counts again.
        clock.Advance(TimeSpan.FromSeconds(1));
        checks.Set(Pass("changed.test", clock.GetUtcNow()));
        Assert.Equal(StatusTenantState.Pass, builder.Build().Tenants.Single(t => t.Domain == "changed.test").State);
    }

    [Fact]
    public async Task Issue14_StaleStatus_ReloadWithoutChanges_KeepsVerdicts()
    {
        using var world = new TenantWorld();
        world.WriteTenant("kept.yaml", "domain: kept.test\n");
        var clock = new FakeTimeProvider(s_start);
        await using var app = Build(world, clock);
        var checks = app.Services.GetRequiredService<TenantCheckResults>();
        checks.Set(Pass("kept.test", clock.GetUtcNow()));

        clock.Advance(TimeSpan.FromSeconds(5));
        world.WriteAtomically("kept.yaml", "domain: kept.test\n");
        app.Services.GetRequiredService<TenantStore>().Reload("test");

        var tenant = Assert.Single(app.Services.GetRequiredService<StatusReportBuilder>().Build().Tenants);
        Assert.Equal(StatusTenantState.Pass, tenant.State);
        Assert.Null(tenant.ChangedAt);
    }

    private static TenantCheckResult Pass(string domain, DateTimeOffset at) => new()
    {
        Domain = domain,
        CheckedAt = at,
        Overall = CheckVerdict.Pass,
        Verdicts = [new VerifierVerdict { Verifier = KnownVerifier.PoshClient, Verdict = CheckVerdict.Pass, Reason = "ok" }],
        Findings = [],
    };

    private static WebApplication Build(TenantWorld world, FakeTimeProvider clock)
    {
        var builder = PoshServerApp.CreateBuilder(
        [
            $"--Tenants:Directory={world.Path}",
            $"--Rotation:StatePath={world.Combine("state/rotation.json")}",
            "--Admin:Enabled=false",
            // A full reload holds back files written within the settle time of the (fake) clock: off, to reload at once.
            "--Tenants:SettleTime=00:00:00",
            "--TenantChecks:Background=false",
            "--Posh:HostNames:0=posh.hosting.test",
            "--Posh:PublicBaseUrl=https://posh.hosting.test",
            "--Logging:LogLevel:Default=Warning",
        ]);
        builder.Services.AddSingleton<TimeProvider>(clock);
        var app = PoshServerApp.Build(builder);
        Assert.Empty(TestStartup.LoadBeforeStart(app));
        return app;
    }
}

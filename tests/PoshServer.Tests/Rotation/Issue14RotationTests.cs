using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using PoshServer.Rotation;
using PoshServer.Tenants;
using PoshTesting;

namespace PoshServer.Tests.Rotation;

/// <summary>Issue 14 (rotation): safe-at counts the set's own tenants, the margin is printed exactly, the early-deploy warning once per change.</summary>
public sealed class Issue14RotationTests
{
    [Fact]
    public async Task Issue14_SafeAt_OtherSetCountsOnlyItsTenantsExpires_DefaultSetAlsoTheHostersDefault()
    {
        using var world = new TenantWorld();
        var other = TestCertificates.SelfSigned(["xmpp.other.test"]);
        world.WriteCertificate("certs/other.pem", other);
        world.WriteSets("""
            default:
              certificates:
                - certs/hosting.pem
            other:
              certificates:
                - certs/other.pem
            """);
        world.WriteTenant("short.yaml", "domain: short.test\ncertificate_set: other\nexpires: 60\n");
        world.WriteTenant("plain.yaml", "domain: plain.test\nexpires: 120\n");
        await using var app = Build(world, new FakeTimeProvider(RotationWorld.Start), out _);

        var statuses = await app.Services.GetRequiredService<RotationCoordinator>().EvaluateAsync();

        Assert.Equal(60, statuses.Single(s => s.Set == "other").MaxExpires);
        // The hoster's own names serve the default set with Tenants:DefaultExpires (3600 s).
        Assert.Equal(3600, statuses.Single(s => s.Set == "default").MaxExpires);
    }

    [Theory]
    [InlineData(10, "margin 10 s")]
    [InlineData(90, "margin 90 s")]
    [InlineData(900, "margin 15 min")]
    [InlineData(0, "margin 0 s")]
    public void Issue14_Describe_MarginUnderAMinuteOrNotWholeMinutes_PrintedInSeconds(int seconds, string expected)
    {
        var status = new RotationSetStatus
        {
            Set = "default",
            Phase = RotationPhase.Steady,
            Current = [],
            Retiring = [],
            MaxExpires = 3600,
            Margin = TimeSpan.FromSeconds(seconds),
            Automatic = false,
        };

        Assert.Contains($"({expected}", RotationCommand.Describe(status).Replace("max expires 3600 s, ", "(", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue14_EarlyDeploy_AttentionLoggedOncePerConditionChange()
    {
        await using var rotation = new RotationWorld(automatic: false);
        var services = rotation.StartServices();
        var logs = new FakeLogCollector();
        var coordinator = Coordinator(services, rotation.Clock, logs);
        await coordinator.EvaluateAsync();

        // Deployed by hand right away: before its safe-at.
        rotation.WriteNext();
        services.GetRequiredService<TenantStore>().Reload("test");
        await coordinator.EvaluateAsync();
        File.Copy(rotation.World.Combine("renewed/xmpp.pem"), rotation.World.Combine("deployed/xmpp.pem"), overwrite: true);
        for (var i = 0; i < 3; i++)
        {
            rotation.Clock.Advance(TimeSpan.FromSeconds(1));
            services.GetRequiredService<TenantStore>().Reload("test");
            Assert.Equal(RotationPhase.Attention, Assert.Single(await coordinator.EvaluateAsync()).Phase);
        }

        Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 606);
    }

    private static RotationCoordinator Coordinator(IServiceProvider services, TimeProvider clock, FakeLogCollector logs) =>
        new(
            services.GetRequiredService<TenantStore>(),
            services.GetRequiredService<RetainedCertificates>(),
            services.GetRequiredService<RotationStateStore>(),
            services.GetRequiredService<RotationSwitcher>(),
            services.GetRequiredService<PoshServer.Certificates.CertificateFileCache>(),
            services.GetRequiredService<Microsoft.Extensions.Options.IOptions<RotationOptions>>(),
            services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TenantsOptions>>(),
            clock,
            new FakeLogger<RotationCoordinator>(logs));

    private static WebApplication Build(TenantWorld world, FakeTimeProvider clock, out string statePath)
    {
        statePath = world.Combine("state/rotation.json");
        var builder = PoshServerApp.CreateBuilder(
        [
            $"--Tenants:Directory={world.Path}",
            $"--Rotation:StatePath={statePath}",
            "--Admin:Enabled=false",
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

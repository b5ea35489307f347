using Microsoft.Extensions.DependencyInjection;
using PoshServer.Rotation;
using PoshServer.Tenants;

namespace PoshServer.Tests.Rotation;

public sealed class RotationCoordinatorTests
{
    // The set's longest expires is b.test's 7200 s; margin 600 s.
    private static readonly TimeSpan s_drain = TimeSpan.FromSeconds(7200 + 600);

    [Fact]
    public async Task EvaluateAsync_NoNextCertificate_Steady()
    {
        await using var world = new RotationWorld();
        var services = world.StartServices();

        var status = Assert.Single(await services.GetRequiredService<RotationCoordinator>().EvaluateAsync());

        Assert.Equal(RotationPhase.Steady, status.Phase);
        Assert.Equal(RotationWorld.Sha256(world.Old), Assert.Single(status.Current).Sha256);
        Assert.Null(status.Next);
        Assert.Equal(7200, status.MaxExpires);
    }

    [Fact]
    public async Task EvaluateAsync_NextWritten_PublishedAtOnceWithSafeAtAfterLongestExpiresPlusMargin()
    {
        await using var world = new RotationWorld();
        var services = world.StartServices();
        var coordinator = services.GetRequiredService<RotationCoordinator>();
        await coordinator.EvaluateAsync();

        world.Clock.Advance(TimeSpan.FromMinutes(5));
        var published = world.Clock.GetUtcNow();
        world.WriteNext();
        services.GetRequiredService<TenantStore>().Reload("test");
        var status = Assert.Single(await coordinator.EvaluateAsync());

        Assert.Equal(RotationPhase.Publishing, status.Phase);
        Assert.Equal(RotationWorld.Sha256(world.New), status.Next!.Sha256);
        Assert.Equal(published + s_drain, status.SafeAt);
        Assert.Contains(RotationWorld.Sha256(world.New), RotationWorld.PublishedFor(services, "a.test"));
        Assert.Contains(RotationWorld.Sha256(world.Old), RotationWorld.PublishedFor(services, "a.test"));
    }

    [Fact]
    public async Task EvaluateAsync_AfterRestart_KeepsFirstPublishedTime()
    {
        await using var world = new RotationWorld(automatic: false);
        var first = world.StartServices();
        world.WriteNext();
        first.GetRequiredService<TenantStore>().Reload("test");
        var before = Assert.Single(await first.GetRequiredService<RotationCoordinator>().EvaluateAsync());

        world.Clock.Advance(TimeSpan.FromHours(1));
        var restarted = world.StartServices();
        var after = Assert.Single(await restarted.GetRequiredService<RotationCoordinator>().EvaluateAsync());

        Assert.Equal(RotationWorld.Start + s_drain, before.SafeAt);
        Assert.Equal(before.SafeAt, after.SafeAt);
    }

    [Fact]
    public async Task EvaluateAsync_AutomaticSwitch_WaitsForSafeAtThenDeploysRunsReloadAndDrainsOldCertificate()
    {
        var marker = Path.Combine(Path.GetTempPath(), "posh-reload-" + Guid.NewGuid().ToString("N"));
        await using var world = new RotationWorld(reloadCommand: $"    reload: [touch, {marker}]".Replace("    reload", "    reload", StringComparison.Ordinal));
        var services = world.StartServices();
        var coordinator = services.GetRequiredService<RotationCoordinator>();
        var old = RotationWorld.Sha256(world.Old);
        var fresh = RotationWorld.Sha256(world.New);
        world.WriteNext();
        services.GetRequiredService<TenantStore>().Reload("test");
        await coordinator.EvaluateAsync();

        // One second before safe-at: nothing is deployed.
        world.Clock.Advance(s_drain - TimeSpan.FromSeconds(1));
        var waiting = Assert.Single(await coordinator.EvaluateAsync());
        Assert.Equal(RotationPhase.Publishing, waiting.Phase);
        Assert.Equal(world.Old.RawData, System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(world.World.Combine("deployed/xmpp.pem")).RawData);
        Assert.False(File.Exists(marker));

        // At safe-at: switched, reload command run, old certificate still published while caches drain.
        world.Clock.Advance(TimeSpan.FromSeconds(1));
        var switched = Assert.Single(await coordinator.EvaluateAsync());
        var switchedAt = world.Clock.GetUtcNow();
        Assert.True(File.Exists(marker), "the reload command ran");
        File.Delete(marker);
        Assert.Equal(RotationPhase.Draining, switched.Phase);
        Assert.True(switched.LastSwitch!.Succeeded, switched.LastSwitch.Message);
        Assert.Equal(fresh, Assert.Single(switched.Current).Sha256);
        Assert.Equal(old, Assert.Single(switched.Retiring).Sha256);
        Assert.Equal(switchedAt + s_drain, switched.Retiring[0].RetireAt);
        Assert.Equal(File.ReadAllText(world.World.Combine("renewed/xmpp.key")), File.ReadAllText(world.World.Combine("deployed/xmpp.key")));
        Assert.Equal([fresh, old], RotationWorld.PublishedFor(services, "b.test"));

        // Until the caches have drained the old fingerprint stays; then it is retired.
        world.Clock.Advance(s_drain - TimeSpan.FromSeconds(1));
        await coordinator.EvaluateAsync();
        Assert.Contains(old, RotationWorld.PublishedFor(services, "b.test"));
        world.Clock.Advance(TimeSpan.FromSeconds(1));
        var steady = Assert.Single(await coordinator.EvaluateAsync());
        Assert.Equal(RotationPhase.Steady, steady.Phase);
        Assert.Equal([fresh], RotationWorld.PublishedFor(services, "b.test"));
    }

    [Fact]
    public async Task EvaluateAsync_ReloadCommandFails_SwitchFailedAndRetriedOnlyAfterDelay()
    {
        await using var world = new RotationWorld(reloadCommand: "    reload: [false]");
        var services = world.StartServices();
        var coordinator = services.GetRequiredService<RotationCoordinator>();
        world.WriteNext();
        services.GetRequiredService<TenantStore>().Reload("test");
        await coordinator.EvaluateAsync();
        world.Clock.Advance(s_drain);

        await coordinator.EvaluateAsync();
        var status = Assert.Single(coordinator.Statuses);

        Assert.False(status.LastSwitch!.Succeeded);
        Assert.Contains("exited with 1", status.LastSwitch.Message, StringComparison.Ordinal);
        var firstAttempt = status.LastSwitch.At;
        world.Clock.Advance(TimeSpan.FromMinutes(1));
        await coordinator.EvaluateAsync();
        Assert.Equal(firstAttempt, Assert.Single(coordinator.Statuses).LastSwitch!.At);
    }

    [Fact]
    public async Task EvaluateAsync_ManualMode_ShowsSafeToDeployWithoutTouchingFiles()
    {
        await using var world = new RotationWorld(automatic: false);
        var services = world.StartServices();
        var coordinator = services.GetRequiredService<RotationCoordinator>();
        world.WriteNext();
        services.GetRequiredService<TenantStore>().Reload("test");
        await coordinator.EvaluateAsync();

        world.Clock.Advance(s_drain);
        var status = Assert.Single(await coordinator.EvaluateAsync());

        Assert.Equal(RotationPhase.SafeToDeploy, status.Phase);
        Assert.Null(status.LastSwitch);
        Assert.Contains("safe to deploy at", RotationCommand.Describe(status), StringComparison.Ordinal);
    }
}

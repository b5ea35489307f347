using System.Text.Json;
using PoshServer.Tests.Acme;

namespace PoshServer.Tests.Cluster;

/// <summary>Issue 10, rotation in a cluster: safe-at from the latest publication among live replicas, one switch.</summary>
[Collection(PebbleTestGroup.Name)]
public sealed class ClusterRotationTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task ThreeReplicas_DeadReplicaStopsHoldingSafeAt_SafeAtIsLatestPublication_SwitchRunsOnceAndEveryReplicaShowsIt()
    {
        // Arrange: a replica that misses heartbeats for 5 s no longer counts.
        await using var world = await ClusterRotationWorld.StartAsync("--Rotation:EvaluationInterval=00:00:01", "--Cluster:ReplicaTimeout=00:00:05");
        await world.StartReplicasAsync(3);
        foreach (var replica in world.Replicas)
        {
            await ClusterWait.UntilAsync(
                async () => (await ClusterRotationWorld.RotationAsync(replica)).GetProperty("phase").GetString() == "Steady",
                $"{replica.Name} shows the set steady",
                s_wait,
                world.Diagnostics);
        }

        // Act 1: replica-3 dies before the next certificate appears, so it never publishes it.
        await world.Replicas[2].KillAsync();
        world.WriteNext();

        // Assert 1: once replica-3 has timed out, safe-at counts from the latest publication of the live replicas
        // (replica-3's last heartbeat predates it).
        DateTimeOffset? safeAt = null;
        await ClusterWait.UntilAsync(
            async () =>
            {
                var rotation = await ClusterRotationWorld.RotationAsync(world.Replicas[0]);
                safeAt = rotation.TryGetProperty("safeAt", out var value) && value.ValueKind == JsonValueKind.String ? value.GetDateTimeOffset() : null;
                return safeAt is not null;
            },
            "replica-1 shows a safe-at without replica-3",
            s_wait,
            world.Diagnostics);
        var first = (await world.PublishedSinceAsync("replica-1"))!.Value;
        var second = (await world.PublishedSinceAsync("replica-2"))!.Value;
        Assert.Null(await world.PublishedSinceAsync("replica-3"));
        Assert.Equal((first > second ? first : second) + ClusterRotationWorld.Drain, safeAt);

        // Act 2: replica-3 comes back, and publishes the certificate later than the others.
        await world.Replicas[2].StartProcessAsync();
        DateTimeOffset? third = null;
        await ClusterWait.UntilAsync(async () => (third = await world.PublishedSinceAsync("replica-3")) is not null, "replica-3 publishes the next certificate", s_wait, world.Diagnostics);

        // Assert 2: every replica moves safe-at to replica-3's (latest) publication.
        Assert.True(third > first && third > second);
        foreach (var replica in world.Replicas)
        {
            await ClusterWait.UntilAsync(
                async () =>
                {
                    var rotation = await ClusterRotationWorld.RotationAsync(replica);
                    return rotation.TryGetProperty("safeAt", out var value) && value.ValueKind == JsonValueKind.String && value.GetDateTimeOffset() == third + ClusterRotationWorld.Drain;
                },
                $"{replica.Name} shows safe-at at replica-3's publication plus the drain",
                s_wait,
                world.Diagnostics);
        }

        // Assert 3: the switch runs once, at or after safe-at, and every replica shows its outcome.
        string? switchedBy = null;
        foreach (var replica in world.Replicas)
        {
            await ClusterWait.UntilAsync(
                async () =>
                {
                    var rotation = await ClusterRotationWorld.RotationAsync(replica);
                    if (!rotation.TryGetProperty("lastSwitch", out var last) || last.ValueKind != JsonValueKind.Object || rotation.GetProperty("phase").GetString() == "Publishing")
                    {
                        return false;
                    }

                    Assert.True(last.GetProperty("succeeded").GetBoolean(), last.GetProperty("message").GetString());
                    Assert.Equal(world.NewSha256, last.GetProperty("sha256").GetString());
                    Assert.True(last.GetProperty("at").GetDateTimeOffset() >= third + ClusterRotationWorld.Drain);
                    var by = last.GetProperty("replica").GetString();
                    Assert.Equal(switchedBy ??= by, by);
                    return true;
                },
                $"{replica.Name} shows the switch's outcome",
                s_wait,
                world.Diagnostics);
        }

        Assert.Equal(1, world.ReloadRuns());
        Assert.Equal(File.ReadAllBytes(world.Tenants.Combine("renewed/xmpp.pem")), File.ReadAllBytes(world.Tenants.Combine("deployed/xmpp.pem")));
    }
}

using PoshServer.Cluster;
using PoshServer.Rotation;

namespace PoshServer.Tests.Rotation;

/// <summary>Issue 10: the cluster's safe-at rule, from publication records and heartbeats.</summary>
public sealed class RotationClusterViewTests
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(1);

    [Fact]
    public void PublicationOf_EveryLiveReplicaPublishes_CountsFromTheLatest()
    {
        var view = View(
            [Record("r1", s_now.AddMinutes(-30)), Record("r2", s_now.AddMinutes(-10)), Record("r3", s_now.AddMinutes(-20))],
            [Heartbeat("r1", s_now), Heartbeat("r2", s_now), Heartbeat("r3", s_now)]);

        var publication = view.PublicationOf("default", "SHA", s_now);

        Assert.Equal(s_now.AddMinutes(-10), publication.At);
        Assert.Empty(publication.WaitingFor);
    }

    [Fact]
    public void PublicationOf_LiveReplicaHasNotPublished_HoldsSafeAtUntilItTimesOut()
    {
        var view = View(
            [Record("r1", s_now.AddMinutes(-30)), Record("r2", s_now.AddMinutes(-10)), new RotationReplicaPublications { Replica = "r3", Sets = new Dictionary<string, IReadOnlyDictionary<string, DateTimeOffset>>() }],
            [Heartbeat("r1", s_now), Heartbeat("r2", s_now), Heartbeat("r3", s_now.AddSeconds(-50))]);

        var publication = view.PublicationOf("default", "SHA", s_now);

        Assert.Null(publication.At);
        Assert.Equal(["r3"], publication.WaitingFor);
        Assert.Equal(s_now.AddSeconds(-50) + s_timeout, publication.ReleasedAt);
    }

    [Fact]
    public void PublicationOf_DeadReplicaHasNotPublished_CountsWithItsLastHeartbeat()
    {
        // r3's last heartbeat is 61 s old: past the timeout, it no longer holds safe-at; documents it served without
        // the certificate were cached at the latest then.
        var view = View(
            [Record("r1", s_now.AddMinutes(-30)), Record("r2", s_now.AddMinutes(-10))],
            [Heartbeat("r1", s_now), Heartbeat("r2", s_now), Heartbeat("r3", s_now.AddSeconds(-61))]);

        Assert.Equal(s_now.AddSeconds(-61), view.PublicationOf("default", "SHA", s_now).At);
    }

    [Fact]
    public void PublicationOf_DeadReplicaLongGone_DoesNotMoveSafeAt()
    {
        var view = View(
            [Record("r1", s_now.AddMinutes(-30))],
            [Heartbeat("r1", s_now), Heartbeat("old", s_now.AddDays(-3))]);

        Assert.Equal(s_now.AddMinutes(-30), view.PublicationOf("default", "SHA", s_now).At);
    }

    [Fact]
    public void PublicationOf_SelfWithoutHeartbeatYet_CountsAsLive()
    {
        var view = View([Record("r1", s_now.AddMinutes(-30))], []) with { Self = "r2" };

        var publication = view.PublicationOf("default", "SHA", s_now);

        Assert.Null(publication.At);
        Assert.Equal(["r2"], publication.WaitingFor);
        Assert.Null(publication.ReleasedAt);
    }

    private static RotationClusterView View(IReadOnlyList<RotationReplicaPublications> records, IReadOnlyList<ReplicaHeartbeat> heartbeats) =>
        new() { Publications = records, Replicas = heartbeats, Self = "r1", ReplicaTimeout = s_timeout };

    private static RotationReplicaPublications Record(string replica, DateTimeOffset since) => new()
    {
        Replica = replica,
        Sets = new Dictionary<string, IReadOnlyDictionary<string, DateTimeOffset>>(StringComparer.Ordinal)
        {
            ["default"] = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal) { ["SHA"] = since },
        },
    };

    private static ReplicaHeartbeat Heartbeat(string name, DateTimeOffset lastSeen) =>
        new() { Name = name, Version = "test", StartedAt = lastSeen.AddHours(-1), LastSeen = lastSeen };
}

using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;
using PoshServer.Cluster;
using PoshServer.FailureReports;

namespace PoshServer.Tests.FailureReports;

/// <summary>Reports come from peers: everything the store keeps for them is bounded (issue 14).</summary>
public sealed class FailureReportStoreTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public void Issue14_ManyReportsForOneDomain_KeepOnlyPerDomain_AndTheirKeys()
    {
        using var store = new FailureReportStore(Options.Create(new FailureReportsOptions { PerDomain = 5 }), _time);

        for (var i = 0; i < 1000; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            store.Add(Report("example.com"));
        }

        Assert.Equal(5, Assert.Single(store.Summaries()).Count);
        Assert.Equal(5, store.KnownCount);
    }

    [Fact]
    public void Issue14_ReportsPastTheWindow_AreForgotten_WithTheirKeys()
    {
        using var store = new FailureReportStore(Options.Create(new FailureReportsOptions { Window = TimeSpan.FromMinutes(10) }), _time);
        store.Add(Report("example.com"));
        store.Add(Report("example.org"));

        _time.Advance(TimeSpan.FromMinutes(11));

        Assert.Empty(store.Summaries());
        Assert.Equal(0, store.KnownCount);
    }

    [Fact]
    public void Issue14_UnreachableSharedStore_QueuesAtMostMaxUnsent()
    {
        using var store = new FailureReportStore(Options.Create(new FailureReportsOptions { PerDomain = 1 }), _time, new UnreachableStore());

        for (var i = 0; i <= FailureReportStore.MaxUnsent; i++)
        {
            store.Add(Report($"d{i % 100}.example"));
        }

        Assert.Equal(FailureReportStore.MaxUnsent, store.UnsentCount);
        Assert.Equal(100, store.KnownCount);
    }

    private FailureReport Report(string domain) => new() { Domain = domain, Service = "xmpp-server", Outcome = "Mismatch", ReceivedAt = _time.GetUtcNow() };

    /// <summary>A shared store that never answers, as during an outage.</summary>
    private sealed class UnreachableStore : IClusterStore
    {
        public string ReplicaName => "test";

        public bool IsShared => true;

        public string? LastError => "unreachable";

        public Task<ClusterItem?> GetAsync(string key, CancellationToken cancellationToken = default) => throw new ClusterStoreException();

        public Task<IReadOnlyList<ClusterItem>> ListAsync(string prefix, string? suffix = null, CancellationToken cancellationToken = default) => throw new ClusterStoreException();

        public Task PutAsync(IReadOnlyList<ClusterWrite> writes, IClusterLock? fence = null, CancellationToken cancellationToken = default) => throw new ClusterStoreException();

        public Task<ClusterItem> AddOrGetAsync(ClusterWrite write, CancellationToken cancellationToken = default) => throw new ClusterStoreException();

        public Task<IClusterLock?> TryLockAsync(string name, CancellationToken cancellationToken = default) => throw new ClusterStoreException();

        public Task PublishHeartbeatAsync(ReplicaHeartbeat heartbeat, CancellationToken cancellationToken = default) => throw new ClusterStoreException();

        public Task<IReadOnlyList<ReplicaHeartbeat>> ListReplicasAsync(CancellationToken cancellationToken = default) => throw new ClusterStoreException();

        public IChangeToken GetChangeToken() => new CancellationChangeToken(CancellationToken.None);
    }
}

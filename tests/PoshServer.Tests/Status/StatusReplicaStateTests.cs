using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using PoshServer.Cluster;
using PoshServer.Status;
using PoshServer.Tenants;

namespace PoshServer.Tests.Status;

/// <summary>
/// The tenant digest in a replica's heartbeat: equal for replicas serving the same tenants, different as soon as one
/// tenant's bytes differ, and the same whether it followed the changes one by one or was computed afresh (issue 9:
/// a change costs its tenants, not a pass over all of them).
/// </summary>
public sealed class StatusReplicaStateTests : IDisposable
{
    private static readonly ReplicaHeartbeat s_heartbeat = new() { Name = "r1", Version = "test", StartedAt = DateTimeOffset.UnixEpoch };

    private readonly TenantWorld _world = new();

    public void Dispose() => _world.Dispose();

    [Fact]
    public void Digest_FollowsChanges_AsAFreshReplicaComputesIt()
    {
        // Arrange
        for (var i = 0; i < 20; i++)
        {
            _world.WriteTenant($"t{i}.yaml", $"domain: t{i}.example\n");
        }

        using var store = CreateStore();
        store.LoadInitial();
        var state = new StatusReplicaState(store);
        var first = Digest(state);

        // Act: a changed, an added and a removed tenant, each applied as the watcher applies it; then one more change
        // after two swaps without a heartbeat (the digest cannot follow those one by one).
        _world.WriteAtomically("t3.yaml", "domain: t3.example\nexpires: 120\n");
        store.Reload("file change", [_world.Combine("t3.yaml")]);
        var changed = Digest(state);
        _world.WriteTenant("new.yaml", "domain: new.example\n");
        _world.Delete("t5.yaml");
        store.Reload("file change", [_world.Combine("new.yaml"), _world.Combine("t5.yaml")]);
        var addedAndRemoved = Digest(state);
        _world.WriteAtomically("t7.yaml", "domain: t7.example\ndisabled: true\n");
        store.Reload("file change", [_world.Combine("t7.yaml")]);
        store.Reload("SIGHUP");
        var afterGap = Digest(state);

        // Assert
        Assert.Equal(4, new[] { first, changed, addedAndRemoved, afterGap }.Distinct().Count());
        Assert.Equal(16, afterGap.Length);
        Assert.Equal(FreshDigest(), afterGap);
        _world.WriteAtomically("t7.yaml", "domain: t7.example\n");
        store.Reload("file change", [_world.Combine("t7.yaml")]);
        Assert.Equal(FreshDigest(), Digest(state));
    }

    [Fact]
    public void Digest_SameTenantsFromOtherFileNames_Equal()
    {
        // Arrange: the same tenants, then the same again from files named in the opposite order.
        for (var i = 0; i < 5; i++)
        {
            _world.WriteTenant($"t{i}.yaml", $"domain: t{i}.example\n");
        }

        var before = FreshDigest();
        for (var i = 0; i < 5; i++)
        {
            _world.Delete($"t{i}.yaml");
            _world.WriteTenant($"z{4 - i}.yaml", $"domain: t{i}.example\n");
        }

        // Act / Assert
        Assert.Equal(before, FreshDigest());
    }

    [Fact]
    public void Digest_IsTheSumOfEachTenantsTextHash_AsEarlierVersionsComputeIt()
    {
        // Arrange: replicas of different versions compare digests during a rolling upgrade, so its definition holds.
        _world.WriteTenant("a.yaml", "domain: a.example\n");
        _world.WriteTenant("b.yaml", "domain: b.example\nservices: [xmpp-server]\nreference_expires: 7200\ndisabled: true\n");
        using var store = CreateStore();
        store.LoadInitial();

        // Act
        var digest = Digest(new StatusReplicaState(store));

        // Assert
        var sum = 0UL;
        foreach (var entry in store.Current.Tenants.Values)
        {
            var tenant = entry.Tenant;
            var text = string.Create(CultureInfo.InvariantCulture, $"{tenant.Domain}\n{tenant.Disabled}\n{entry.Document?.ETag}\n{string.Join(',', tenant.Services)}\n{tenant.ReferenceExpires}\n");
            sum += BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        }

        Assert.Equal(sum.ToString("x16", CultureInfo.InvariantCulture), digest);
    }

    private string FreshDigest()
    {
        using var store = CreateStore();
        store.LoadInitial();
        return Digest(new StatusReplicaState(store));
    }

    private static string Digest(StatusReplicaState state) => state.Contribute(s_heartbeat).TenantDigest;

    private TenantStore CreateStore() =>
        _world.CreateStore(new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero)), configure: o => o.SettleTime = TimeSpan.Zero);
}

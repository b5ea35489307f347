using PoshClient.Dns;

namespace PoshClient.Tests.Dns;

public sealed class SrvOrderingTests
{
    [Fact]
    public void Order_DifferentPriorities_LowestFirst()
    {
        SrvRecord[] records = [Srv("c", priority: 30), Srv("a", priority: 10), Srv("b", priority: 20)];

        var ordered = SrvOrdering.Order(records, new Random(1));

        Assert.Equal(["a", "b", "c"], ordered.Select(r => r.Target), StringComparer.Ordinal);
    }

    [Fact]
    public void Order_DotTargets_AreDropped()
    {
        SrvRecord[] records = [Srv("."), Srv("a", priority: 1)];

        var ordered = SrvOrdering.Order(records, new Random(1));

        Assert.Equal(["a"], ordered.Select(r => r.Target), StringComparer.Ordinal);
    }

    [Fact]
    public void Order_Empty_ReturnsEmpty()
    {
        Assert.Empty(SrvOrdering.Order([], new Random(1)));
    }

    [Fact]
    public void Order_EveryRecordAppearsOnce()
    {
        var records = Enumerable.Range(0, 20).Select(i => Srv($"h{i}", priority: (ushort)(i % 3), weight: (ushort)(i % 4))).ToList();

        var ordered = SrvOrdering.Order(records, new Random(7));

        Assert.Equal(records.OrderBy(r => r.Target, StringComparer.Ordinal), ordered.OrderBy(r => r.Target, StringComparer.Ordinal));
        Assert.True(ordered.Select(r => r.Priority).SequenceEqual(ordered.Select(r => r.Priority).Order()));
    }

    [Fact]
    public void Order_SameSeed_SameOrder()
    {
        var records = Enumerable.Range(0, 10).Select(i => Srv($"h{i}", weight: (ushort)(i + 1))).ToList();

        Assert.Equal(SrvOrdering.Order(records, new Random(42)), SrvOrdering.Order(records, new Random(42)));
    }

    // RFC 2782 draws from 0..sum inclusive and picks the first running sum >= the draw, so the record listed first
    // wins the extra value 0: with weights 3 then 1 it is first with probability 4/5, not 3/4. That bias is the RFC's own.
    [Theory]
    [InlineData(3, 1, 0.8)]
    [InlineData(1, 3, 0.4)]
    [InlineData(1, 1, 0.6667)]
    public void Order_TwoWeights_FirstPickFollowsTheRfcDistribution(int firstWeight, int secondWeight, double expectedFirstShare)
    {
        SrvRecord[] records = [Srv("first", weight: (ushort)firstWeight), Srv("second", weight: (ushort)secondWeight)];
        var random = new Random(12345);
        const int draws = 10_000;

        var firstPicks = Enumerable.Range(0, draws).Count(_ => SrvOrdering.Order(records, random)[0].Target.Equals("first", StringComparison.Ordinal));

        Assert.InRange(firstPicks / (double)draws, expectedFirstShare - 0.02, expectedFirstShare + 0.02);
    }

    [Fact]
    public void Order_WeightZeroAmongWeighted_IsRarelyFirst()
    {
        // Weight-0 records go first in the running-sum list, so only a draw of exactly 0 selects one: 1 in (sum + 1).
        SrvRecord[] records = [Srv("weighted", weight: 99), Srv("zero", weight: 0)];
        var random = new Random(99);
        const int draws = 10_000;

        var zeroFirst = Enumerable.Range(0, draws).Count(_ => SrvOrdering.Order(records, random)[0].Target.Equals("zero", StringComparison.Ordinal));

        Assert.InRange(zeroFirst / (double)draws, 0.0, 0.03);
    }

    [Fact]
    public void Order_AllWeightsZero_KeepsEveryRecord()
    {
        SrvRecord[] records = [Srv("a"), Srv("b"), Srv("c")];

        var ordered = SrvOrdering.Order(records, new Random(3));

        Assert.Equal(["a", "b", "c"], ordered.Select(r => r.Target), StringComparer.Ordinal);
    }

    private static SrvRecord Srv(string target, ushort priority = 0, ushort weight = 0) =>
        new() { Priority = priority, Weight = weight, Port = 5222, Target = target, TimeToLive = TimeSpan.FromMinutes(5) };
}

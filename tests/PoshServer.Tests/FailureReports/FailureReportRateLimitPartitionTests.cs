using System.Net;
using PoshServer.FailureReports;

namespace PoshServer.Tests.FailureReports;

/// <summary>The report endpoint's rate-limit partitions are bounded whatever addresses peers use (issue 14).</summary>
public sealed class FailureReportRateLimitPartitionTests
{
    [Fact]
    public void Issue14_ManyAddresses_FallInAtMostTheBoundOfPartitions()
    {
        var keys = new HashSet<int>();
        for (var i = 0; i < 50_000; i++)
        {
            keys.Add(FailureReportRateLimitPartition.For(new IPAddress(BitConverter.GetBytes(i))));
            var v6 = new byte[16];
            BitConverter.GetBytes(i).CopyTo(v6, 4);
            keys.Add(FailureReportRateLimitPartition.For(new IPAddress(v6)));
        }

        Assert.True(keys.Count <= FailureReportRateLimitPartition.Buckets, $"{keys.Count} partitions");
        Assert.All(keys, k => Assert.InRange(k, 0, FailureReportRateLimitPartition.Buckets - 1));
    }

    [Fact]
    public void Issue14_OneIPv6Slash64_IsOnePartition_AndMappedIPv4IsIPv4()
    {
        Assert.Equal(FailureReportRateLimitPartition.For(IPAddress.Parse("2001:db8:1:2::1")), FailureReportRateLimitPartition.For(IPAddress.Parse("2001:db8:1:2:ffff:eeee:dddd:cccc")));
        Assert.Equal(FailureReportRateLimitPartition.For(IPAddress.Parse("127.0.74.1")), FailureReportRateLimitPartition.For(IPAddress.Parse("::ffff:127.0.74.1")));
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PoshServer.Https;

namespace PoshServer.Tests.Https;

/// <summary>Issue 13, item 7: memory is returned after many connections close, and only then.</summary>
public sealed class IdleMemoryReclaimerTests
{
    [Theory]
    [InlineData(10_000, 0, 1000, true)]
    [InlineData(10_000, 5_000, 1000, true)]
    [InlineData(10_000, 5_001, 1000, false)] // more than half still open
    [InlineData(1_500, 600, 1000, false)] // a drop smaller than the threshold
    [InlineData(1_000, 0, 1000, true)]
    [InlineData(10_000, 0, 0, false)] // turned off
    public void ShouldReclaim_NeedsALargeDropToHalfOrLess(long highWater, long open, int minimumDrop, bool expected) =>
        Assert.Equal(expected, IdleMemoryReclaimer.ShouldReclaim(highWater, open, minimumDrop));

    [Fact]
    public async Task Issue13_ConnectionsFall_OneReclaimIsLoggedAndTheHighWaterMarkRestarts()
    {
        var time = new FakeTimeProvider();
        var logger = new FakeLogger<IdleMemoryReclaimer>();
        var counter = new OpenConnectionCounter();
        using var reclaimer = new IdleMemoryReclaimer(counter, Options.Create(new HttpsOptions { MemoryReclaimConnectionDrop = 100 }), time, logger);
        await reclaimer.StartAsync(CancellationToken.None);

        for (var i = 0; i < 300; i++)
        {
            counter.Opened();
        }

        for (var i = 0; i < 280; i++)
        {
            counter.Closed();
        }

        // ExecuteAsync starts in the background: advance until its timer exists and has ticked.
        await Eventually.TrueAsync(
            () =>
            {
                time.Advance(TimeSpan.FromSeconds(15));
                return Task.FromResult(Reclaims(logger).Count > 0);
            },
            "the reclaim is logged");

        // Nothing more has closed: later checks leave the heap alone.
        for (var i = 0; i < 4; i++)
        {
            time.Advance(TimeSpan.FromSeconds(15));
            await Task.Yield();
        }

        await reclaimer.StopAsync(CancellationToken.None);

        var reclaim = Assert.Single(Reclaims(logger));
        Assert.Equal(LogLevel.Information, reclaim.Level);
        Assert.Contains("fell from 300 to 20", reclaim.Message, StringComparison.Ordinal);
        Assert.Equal(20, counter.HighWater);
    }

    [Theory]
    [InlineData(610, 0, true)]
    [InlineData(610, 305, true)]
    [InlineData(610, 306, false)] // fewer than half of them closed yet
    [InlineData(0, 0, false)] // nothing was left open
    public void ShouldFollowUp_NeedsHalfOfWhatWasLeftToClose(long reclaimedAt, long open, bool expected) =>
        Assert.Equal(expected, IdleMemoryReclaimer.ShouldFollowUp(reclaimedAt, open));

    [Fact]
    public async Task Issue13_ReclaimWhileTheCrowdIsLeaving_IsRepeatedOnceTheRestHaveClosed()
    {
        var time = new FakeTimeProvider();
        var logger = new FakeLogger<IdleMemoryReclaimer>();
        var counter = new OpenConnectionCounter();
        using var reclaimer = new IdleMemoryReclaimer(counter, Options.Create(new HttpsOptions { MemoryReclaimConnectionDrop = 1000 }), time, logger);
        await reclaimer.StartAsync(CancellationToken.None);
        for (var i = 0; i < 3000; i++)
        {
            counter.Opened();
        }

        // The check falls in the middle of the close: 2,700 gone, 300 still to go (fewer than the minimum drop).
        for (var i = 0; i < 2700; i++)
        {
            counter.Closed();
        }

        await Eventually.TrueAsync(
            () =>
            {
                time.Advance(TimeSpan.FromSeconds(15));
                return Task.FromResult(Reclaims(logger).Count == 1);
            },
            "the first reclaim is logged");
        for (var i = 0; i < 300; i++)
        {
            counter.Closed();
        }

        await Eventually.TrueAsync(
            () =>
            {
                time.Advance(TimeSpan.FromSeconds(15));
                return Task.FromResult(Reclaims(logger).Count == 2);
            },
            "the follow-up reclaim is logged");

        // All closed and reclaimed: later checks leave the heap alone.
        for (var i = 0; i < 4; i++)
        {
            time.Advance(TimeSpan.FromSeconds(15));
            await Task.Yield();
        }

        await reclaimer.StopAsync(CancellationToken.None);

        var reclaims = Reclaims(logger);
        Assert.Equal(2, reclaims.Count);
        Assert.Contains("fell from 3000 to 300", reclaims[0].Message, StringComparison.Ordinal);
        Assert.Contains("fell from 300 to 0", reclaims[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TurnedOff_NeverReclaims()
    {
        var time = new FakeTimeProvider();
        var logger = new FakeLogger<IdleMemoryReclaimer>();
        var counter = new OpenConnectionCounter();
        using var reclaimer = new IdleMemoryReclaimer(counter, Options.Create(new HttpsOptions { MemoryReclaimConnectionDrop = 0 }), time, logger);
        await reclaimer.StartAsync(CancellationToken.None);
        for (var i = 0; i < 5000; i++)
        {
            counter.Opened();
            counter.Closed();
        }

        time.Advance(TimeSpan.FromMinutes(5));
        await reclaimer.StopAsync(CancellationToken.None);

        Assert.Empty(Reclaims(logger));
    }

    private static List<FakeLogRecord> Reclaims(FakeLogger logger) =>
        [.. logger.Collector.GetSnapshot().Where(r => r.Id.Name == "MemoryReclaimed")];
}

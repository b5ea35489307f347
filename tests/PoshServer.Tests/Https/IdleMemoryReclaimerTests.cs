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

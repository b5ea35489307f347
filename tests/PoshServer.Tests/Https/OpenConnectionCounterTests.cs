using PoshServer.Https;

namespace PoshServer.Tests.Https;

public sealed class OpenConnectionCounterTests
{
    [Fact]
    public void OpenedAndClosed_TrackOpenAndHighWater()
    {
        var counter = new OpenConnectionCounter();

        Parallel.For(0, 1000, _ => counter.Opened());
        Parallel.For(0, 600, _ => counter.Closed());

        Assert.Equal(400, counter.Open);
        Assert.Equal(1000, counter.HighWater);
    }

    [Fact]
    public void ResetHighWater_StartsFromTheOpenConnections()
    {
        var counter = new OpenConnectionCounter();
        for (var i = 0; i < 10; i++)
        {
            counter.Opened();
        }

        for (var i = 0; i < 7; i++)
        {
            counter.Closed();
        }

        counter.ResetHighWater();

        Assert.Equal(3, counter.HighWater);
    }
}

using Microsoft.Extensions.Time.Testing;
using PoshServer.Tenants;

namespace PoshServer.Tests.Tenants;

/// <summary>
/// A reload yields a contended CPU to the requests and runs at full speed when there is CPU to spare (issue 9:
/// throughput during reloads). The clocks are scripted: each look the pacer takes advances them by one slice.
/// </summary>
public sealed class ReloadPacerTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<TimeSpan> _sleeps = [];
    private CpuTimes _cpu;

    [Fact]
    public void Step_OneCoreSharedWithRequests_SleepsNineTimesWhatTheReloadUsed()
    {
        // Arrange: one CPU; over 4 ms the reload used 2 ms and the requests the other 2.
        var pacer = Create(processors: 1);

        // Act
        RunSlice(pacer, wall: 4, own: 2, others: 2);

        // Assert
        Assert.Equal([TimeSpan.FromMilliseconds(18)], _sleeps);
    }

    [Fact]
    public void Step_RequestsTakingLessThanTheBusyShare_NeverSleeps()
    {
        // One client polling: its requests took a third of the core, the reload the rest.
        var pacer = Create(processors: 1);

        RunSlice(pacer, wall: 3, own: 2, others: 1);

        Assert.Empty(_sleeps);
    }

    [Fact]
    public void Step_NoRequests_NeverSleeps()
    {
        var pacer = Create(processors: 1);

        RunSlice(pacer, wall: 4, own: 4, others: 0);
        RunSlice(pacer, wall: 4, own: 3.9, others: 0.1);

        Assert.Empty(_sleeps);
    }

    [Fact]
    public void Step_RequestsOnAnotherCoreWithCpuToSpare_NeverSleeps()
    {
        // Two CPUs: the reload took one, the requests half of the other.
        var pacer = Create(processors: 2);

        RunSlice(pacer, wall: 4, own: 4, others: 2);

        Assert.Empty(_sleeps);
    }

    [Fact]
    public void Step_BothCoresBusy_Sleeps_AtMost50Milliseconds()
    {
        var pacer = Create(processors: 2);

        RunSlice(pacer, wall: 10, own: 10, others: 10);

        Assert.Equal([TimeSpan.FromMilliseconds(50)], _sleeps);
    }

    [Fact]
    public void Step_WithoutThreadCpuTime_NeverSleeps()
    {
        var pacer = new ReloadPacer(_time, () => null, _sleeps.Add, processors: 1);
        pacer.Begin();

        _time.Advance(TimeSpan.FromMilliseconds(10));
        for (var i = 0; i < ReloadPacer.FilesPerCheck * 3; i++)
        {
            pacer.Step();
        }

        Assert.Empty(_sleeps);
    }

    [Fact]
    public void Slept_AfterContendedSlices_IsTheirSleepsUntilTheNextBegin()
    {
        // Arrange: two contended slices (18 ms and 9 ms of sleep) and one with the core to spare.
        var pacer = Create(processors: 1);
        RunSlice(pacer, wall: 4, own: 2, others: 2);
        RunSlice(pacer, wall: 4, own: 4, others: 0);
        RunSlice(pacer, wall: 2, own: 1, others: 1);

        // Act
        var slept = pacer.Slept;
        pacer.Begin();

        // Assert
        Assert.Equal(TimeSpan.FromMilliseconds(27), slept);
        Assert.Equal(TimeSpan.Zero, pacer.Slept);
    }

    private ReloadPacer Create(int processors)
    {
        var pacer = new ReloadPacer(_time, () => _cpu, _sleeps.Add, processors);
        pacer.Begin();
        return pacer;
    }

    /// <summary>Advances the clocks by one slice, then steps through the files of one look.</summary>
    private void RunSlice(ReloadPacer pacer, double wall, double own, double others)
    {
        _time.Advance(TimeSpan.FromMilliseconds(wall));
        _cpu = new CpuTimes(_cpu.Process + TimeSpan.FromMilliseconds(own + others), _cpu.Thread + TimeSpan.FromMilliseconds(own));
        for (var i = 0; i < ReloadPacer.FilesPerCheck; i++)
        {
            pacer.Step();
        }
    }
}

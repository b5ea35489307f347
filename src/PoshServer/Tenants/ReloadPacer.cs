using System.Runtime.InteropServices;

namespace PoshServer.Tenants;

/// <summary>
/// Lets a reload yield the CPU to requests while the process has no CPU to spare (issue 9: throughput during reloads
/// at least 90 % of steady). A full reload of 100,000 files is more than a second of CPU. On a saturated core the
/// scheduler shares it evenly between the reload thread and the request threads, and serving lost half its
/// throughput while reloads ran back to back. Called for every file a reload looks at: every few milliseconds it
/// compares the CPU the rest of the process used with what the reload thread used. When requests took a large share
/// (<see cref="BusyShare"/>) and the process used all the CPUs it may run on, the reload sleeps nine times what it
/// just used, which leaves it a tenth of the contended CPU. With CPU to spare (an idle server, or a second core) it
/// never sleeps, and the reload runs at full speed.
/// <para>
/// Thread priorities cannot do this: on Linux a thread created by a lower-priority thread inherits its priority, the
/// runtime creates pool and compiler threads from whichever thread needs them, and an unprivileged process cannot
/// raise a priority back. Only Linux reports the thread's CPU time here; elsewhere reloads are not paced.
/// </para>
/// </summary>
internal sealed class ReloadPacer
{
    /// <summary>Files between two looks at the clocks (a look costs two clock reads).</summary>
    public const int FilesPerCheck = 64;

    /// <summary>
    /// The share of the CPU the rest of the process must take before a reload yields. Requests on a saturated core take
    /// about half of it from a reload running beside them; a client polling one request at a time takes far less, and
    /// slowing a reload tenfold for it would only delay the change it waits for (a 1,000,000-tenant catch-up load paced
    /// by a poller took minutes).
    /// </summary>
    public const double BusyShare = 0.4;

    /// <summary>The reload's share of a contended CPU: it sleeps (1 − share) ÷ share times what it used.</summary>
    public const double ContendedShare = 0.1;

    private static readonly TimeSpan s_slice = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan s_maxSleep = TimeSpan.FromMilliseconds(50);

    private readonly TimeProvider _timeProvider;
    private readonly Func<CpuTimes?> _cpu;
    private readonly Action<TimeSpan> _sleep;
    private readonly int _processors;
    private int _files;
    private long _sliceStarted;
    private CpuTimes _sliceCpu;

    /// <param name="cpu">The process's and this thread's CPU time so far; null where it cannot be read (no pacing).</param>
    public ReloadPacer(TimeProvider timeProvider, Func<CpuTimes?> cpu, Action<TimeSpan> sleep, int processors)
    {
        _timeProvider = timeProvider;
        _cpu = cpu;
        _sleep = sleep;
        _processors = processors;
    }

    /// <summary>For the server: the real clocks, <see cref="Thread.Sleep(TimeSpan)"/> and the CPUs the process may use.</summary>
    public static ReloadPacer ForProcess(TimeProvider timeProvider) =>
        new(timeProvider, ReadCpu, SleepLoadThread, Environment.ProcessorCount);

    // Reloads run synchronously on their own thread (LoadThread), never on the pool: blocking it is the point here.
#pragma warning disable RS0030 // Thread.Sleep is banned for code on the thread pool
    private static void SleepLoadThread(TimeSpan time) => Thread.Sleep(time);
#pragma warning restore RS0030

    /// <summary>
    /// The time slept since <see cref="Begin"/>: what the reload gave to the requests. Reported with the load's
    /// timings, so that a reload slow under load says why (a few seconds at 100,000 tenants on a saturated core).
    /// </summary>
    public TimeSpan Slept { get; private set; }

    /// <summary>Starts a reload on the calling thread: the first slice starts now.</summary>
    public void Begin()
    {
        _files = 0;
        Slept = TimeSpan.Zero;
        _sliceStarted = _timeProvider.GetTimestamp();
        _sliceCpu = _cpu() ?? default;
    }

    /// <summary>One more file; now and then, a sleep that gives a contended CPU back to the requests.</summary>
    public void Step()
    {
        if (++_files < FilesPerCheck)
        {
            return;
        }

        _files = 0;
        var wall = _timeProvider.GetElapsedTime(_sliceStarted);
        if (wall < s_slice || _cpu() is not { } now)
        {
            return;
        }

        var own = now.Thread - _sliceCpu.Thread;
        var others = now.Process - _sliceCpu.Process - own;
        // Requests (or anything else in the process) took a large share of the CPU, and the process left none unused.
        if (others >= wall * BusyShare && own + others >= wall * (_processors * 0.9))
        {
            var sleep = own * ((1 - ContendedShare) / ContendedShare);
            sleep = sleep < s_maxSleep ? sleep : s_maxSleep;
            Slept += sleep;
            _sleep(sleep);
        }

        _sliceStarted = _timeProvider.GetTimestamp();
        _sliceCpu = _cpu() ?? now;
    }

    private static CpuTimes? ReadCpu()
    {
        if (!OperatingSystem.IsLinux() || clock_gettime(ClockThreadCpuTime, out var thread) != 0)
        {
            return null;
        }

        return new CpuTimes(Environment.CpuUsage.TotalTime, TimeSpan.FromTicks((thread.Seconds * TimeSpan.TicksPerSecond) + (thread.Nanoseconds / 100)));
    }

    // clock_gettime(2): the calling thread's CPU time.
    private const int ClockThreadCpuTime = 3;

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int clock_gettime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}

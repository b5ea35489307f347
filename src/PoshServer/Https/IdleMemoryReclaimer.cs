using System.Runtime;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace PoshServer.Https;

/// <summary>
/// Gives memory back after a crowd of connections has gone (issue 13, item 7). An idle server allocates nothing, so
/// the garbage collector never runs again: the dead connections' objects (~13 KB each) stay on the heap and the freed
/// OpenSSL state stays in the C allocator's arenas, and RSS stayed at its peak (+400 MB after 10,000 idle TLS
/// connections). When the open connections have fallen by <see cref="HttpsOptions.MemoryReclaimConnectionDrop"/>
/// and to at most half their high-water mark, one aggressive (blocking, compacting, decommitting) collection runs and
/// malloc_trim returns the allocator's free pages. Checked every <see cref="HttpsOptions.MemoryReclaimInterval"/>,
/// so at most one reclaim per interval; the cost is one pause of tens of milliseconds, paid only after a large drop.
/// </summary>
internal sealed partial class IdleMemoryReclaimer(
    OpenConnectionCounter connections,
    IOptions<HttpsOptions> options,
    TimeProvider timeProvider,
    ILogger<IdleMemoryReclaimer> logger) : BackgroundService
{
    private static readonly Lazy<MallocTrim?> s_mallocTrim = new(FindMallocTrim);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int MallocTrim(nuint pad);

    /// <summary>The rule: a drop of at least <paramref name="minimumDrop"/> that leaves at most half the high-water mark open.</summary>
    public static bool ShouldReclaim(long highWater, long open, int minimumDrop) =>
        minimumDrop > 0 && highWater - open >= minimumDrop && open <= highWater / 2;

    /// <summary>
    /// The follow-up rule: a reclaim that ran while the crowd was still leaving (<paramref name="reclaimedAt"/>
    /// connections were open then) is repeated once at least half of those have closed too. Without it the rest of
    /// the crowd, fewer than the minimum drop, left its memory behind: 143 MB instead of 126 MB a minute after
    /// 10,000 connections closed, when the check fell between the first 9,390 closes and the last 610
    /// (bench/results/idle-20261201-1600.md).
    /// </summary>
    public static bool ShouldFollowUp(long reclaimedAt, long open) =>
        open < reclaimedAt && open <= reclaimedAt / 2;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var https = options.Value;
        if (https.ReleaseIdleTlsBuffers && !TlsBufferRelease.IsSupported)
        {
            HttpsLog.TlsBufferReleaseUnsupported(logger);
        }

        if (https.MemoryReclaimConnectionDrop == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(https.MemoryReclaimInterval, timeProvider);
        var previousOpen = long.MaxValue;
        long? followUpFrom = null; // open connections at a reclaim that ran while they were falling
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var highWater = connections.HighWater;
                var open = connections.Open;
                var wasOpen = previousOpen;
                var rising = open > wasOpen;
                previousOpen = open;

                // Not while connections are coming back: under a surge of reconnects a blocking collection took
                // seconds on a saturated core (bench/results/idle-*.md); the next quiet check does it.
                if (rising)
                {
                    followUpFrom = null; // a new crowd: the ordinary rule applies to it
                }
                else if (ShouldReclaim(highWater, open, https.MemoryReclaimConnectionDrop)
                    || (followUpFrom is { } reclaimedAt && ShouldFollowUp(reclaimedAt, open)))
                {
                    // Still falling since the previous check (or the first check): more may be leaving.
                    followUpFrom = open < wasOpen && open > 0 ? open : null;
                    connections.ResetHighWater();
                    try
                    {
                        Reclaim(highWater, open);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // A loop that throws stops the host (issue 14); the memory is reclaimed on the next drop.
                        HttpsLog.MemoryReclaimFailed(logger, ex);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    private void Reclaim(long highWater, long open)
    {
        var started = timeProvider.GetTimestamp();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: false);
        var workingSetBefore = Environment.WorkingSet;

        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var trimmed = s_mallocTrim.Value?.Invoke(0) is not null;

        HttpsLog.MemoryReclaimed(
            logger, highWater, open, heapBefore / 1048576.0, GC.GetTotalMemory(forceFullCollection: false) / 1048576.0,
            workingSetBefore / 1048576.0, Environment.WorkingSet / 1048576.0, trimmed, timeProvider.GetElapsedTime(started).TotalMilliseconds);
    }

    // glibc only (musl has no malloc_trim): found by name, so other C libraries just skip the trim.
    private static MallocTrim? FindMallocTrim() =>
        OperatingSystem.IsLinux()
        && NativeLibrary.TryLoad("libc.so.6", out var libc)
        && NativeLibrary.TryGetExport(libc, "malloc_trim", out var trim)
            ? Marshal.GetDelegateForFunctionPointer<MallocTrim>(trim)
            : null;
}

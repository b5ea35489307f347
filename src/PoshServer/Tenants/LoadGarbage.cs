using System.Runtime;

namespace PoshServer.Tenants;

/// <summary>
/// Returns the garbage of a full load to the operating system at once (issue 9, memory per tenant). A full load reads
/// and parses every file and lists the directory into arrays large enough for the large object heap; all of it dies
/// as soon as the snapshot is swapped in, but an idle server allocates too little to trigger another full collection,
/// and the workstation GC never compacts the large object heap on its own. Measured with 100,000 tenants: 54 MB of
/// large-object-heap fragmentation after 20 SIGHUPs, RSS 307 MB instead of 204 MB at ready
/// (bench/results/scale-memory-*.md). One blocking, compacting, decommitting collection after each full load (never
/// after a watcher's incremental change, which allocates in proportion to the files changed) keeps RSS at the live set.
/// <para>
/// The collection stops every thread for tens to hundreds of milliseconds, so it is paid only when there is garbage
/// worth giving back (<see cref="IsWorthCollecting"/>): a full load of a small directory leaves a megabyte, and with
/// 1,000 tenants a collection after each of back-to-back reloads cost a quarter of the throughput (bench/scale.sh).
/// </para>
/// </summary>
internal static class LoadGarbage
{
    /// <summary>Garbage below this is never worth a pause.</summary>
    public const long MinGarbageBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Whether the managed heap (<paramref name="heapBytes"/>, collected or not) grew enough since the last collection
    /// left <paramref name="heapAfterLastBytes"/>: by 16 MB and by a quarter. Garbage of small loads adds up, so RSS
    /// stays bounded either way; the first load (nothing collected yet) always collects.
    /// </summary>
    public static bool IsWorthCollecting(long heapBytes, long heapAfterLastBytes) =>
        heapAfterLastBytes <= 0 || heapBytes - heapAfterLastBytes >= Math.Max(MinGarbageBytes, heapAfterLastBytes / 4);

    /// <summary>Collects everything and gives the freed pages back; returns the managed heap size after, in bytes.</summary>
    public static long Collect()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }
}

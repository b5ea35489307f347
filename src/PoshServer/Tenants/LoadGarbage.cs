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
/// </summary>
internal static class LoadGarbage
{
    /// <summary>Collects everything and gives the freed pages back; returns the managed heap size after, in bytes.</summary>
    public static long Collect()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }
}

using System.IO.Enumeration;
using System.Runtime.InteropServices;

namespace PoshServer.Tenants;

/// <summary>
/// Step 1 of the catalog (scan → parse → resolve → build documents → snapshot): which tenant files exist. A listing
/// that fails says so instead of listing nothing, and a single file counts as gone only when its directory is
/// readable and the file is not in it: an I/O error must never read as "deleted", which would revoke the tenant's
/// delegation (issue 13).
/// </summary>
internal static class TenantDirectoryScanner
{
    /// <summary>Tenant files are <c>*.yaml</c>/<c>*.yml</c> at the top of the directory, except names starting with '.' or '_'.</summary>
    public static bool IsTenantFileName(ReadOnlySpan<char> name, TenantsOptions options) =>
        (name.EndsWith(".yaml", StringComparison.Ordinal) || name.EndsWith(".yml", StringComparison.Ordinal))
        && !name.StartsWith('.') && !name.StartsWith('_')
        && !name.SequenceEqual(options.CertificateSetsFile);

    /// <summary>
    /// The tenant files with their size and modification time, read in the same pass as the directory (one stat per
    /// file), in the directory's own order: a caller that needs them by name sorts them (<see cref="SortByName"/>),
    /// and a reload of an unchanged directory does not (the sort was a sixth of its CPU at 100,000 files). A reload's
    /// <paramref name="pace"/> is stepped for every file. With <paramref name="remembered"/>, each file it knows
    /// carries what it remembers (and its instance of the name), and the list is sized for as many files, so a listing
    /// of an unchanged directory allocates one array.
    /// </summary>
    /// <param name="runtimeEnumerator">Lists with the runtime's enumerator even where <see cref="PosixDirectoryListing"/> works (tests of both).</param>
    public static TenantDirectoryListing List(string directory, TenantsOptions options, ReloadPacer? pace = null, TenantFileReader? remembered = null, bool runtimeEnumerator = false)
    {
        string? error = null;
        var files = new List<ListedTenantFile>(remembered?.Count ?? 0);
        try
        {
            if (runtimeEnumerator || !PosixDirectoryListing.TryList(directory, options, pace, remembered, files, out error))
            {
                files.AddRange(new FileSystemEnumerable<ListedTenantFile>(
                    directory,
                    (ref FileSystemEntry entry) =>
                    {
                        pace?.Step();
                        return Listed(entry.FileName, entry.Attributes.HasFlag(FileAttributes.ReparsePoint) ? null : new TenantFileStamp(entry.Length, entry.LastWriteTimeUtc.UtcDateTime), remembered);
                    },
                    new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = default, IgnoreInaccessible = false })
                {
                    ShouldIncludePredicate = (ref FileSystemEntry entry) => !entry.IsDirectory && IsTenantFileName(entry.FileName, options),
                });
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = ex.Message;
        }

        if (error is not null)
        {
            return new TenantDirectoryListing(null, $"the tenants directory '{directory}' cannot be listed: {error}");
        }

        return new TenantDirectoryListing(files, null);
    }

    /// <summary>
    /// Orders listed files by name (ordinal): the order in which a load applies them. Sorted by a key holding each
    /// name's first eight characters, so that most comparisons are two integer comparisons in one array instead of a
    /// look into two strings scattered over the heap: a 1,000,000-file restart ordered its files in 0.57-0.66 s instead
    /// of 1.0-1.6 s (bench/README.md, "Issue 9, eleventh pass"). Names alike in their first eight characters compare as
    /// strings.
    /// </summary>
    public static void SortByName(List<ListedTenantFile> files)
    {
        var items = CollectionsMarshal.AsSpan(files);
        var keys = new NameKey[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            keys[i] = NameKey.Of(items[i].Name);
        }

        keys.AsSpan().Sort(items, default(NameKeyOrder));
    }

    /// <summary>
    /// A listed file, with what <paramref name="remembered"/> knows of it and its instance of the name (no new string
    /// for a known file), whichever way the directory was read.
    /// </summary>
    internal static ListedTenantFile Listed(ReadOnlySpan<char> name, TenantFileStamp? stamp, TenantFileReader? remembered)
    {
        var known = remembered?.Find(name);
        return new ListedTenantFile(known?.Name ?? name.ToString(), stamp, known);
    }

    /// <summary>Looks at one file: present (with its stamp), known to be gone, or unreadable.</summary>
    public static TenantFileProbe Probe(string directory, string name)
    {
        var path = Path.Combine(directory, name);
        try
        {
            var attributes = File.GetAttributes(path);
            if (attributes.HasFlag(FileAttributes.Directory))
            {
                // Not a tenant file (the listing skips directories too).
                return new TenantFileProbe(TenantFileProbeState.Gone, null, null);
            }

            if (attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                return new TenantFileProbe(TenantFileProbeState.Present, null, null);
            }

            var info = new FileInfo(path);
            return new TenantFileProbe(TenantFileProbeState.Present, TenantFileStamp.Of(info), null);
        }
        catch (FileNotFoundException) when (IsListableDirectory(directory))
        {
            return new TenantFileProbe(TenantFileProbeState.Gone, null, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new TenantFileProbe(TenantFileProbeState.Unreadable, null, $"the file cannot be examined: {ex.Message}");
        }
    }

    /// <summary>The file's absence means something only if the directory itself can be read.</summary>
    private static bool IsListableDirectory(string directory)
    {
        try
        {
            using var entries = Directory.EnumerateFileSystemEntries(directory).GetEnumerator();
            _ = entries.MoveNext();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// A name's first eight UTF-16 code units, four to an integer from the most significant end, with the name for ties:
    /// integers compare as the code units do, and a shorter name is padded with zeros, which no name contains, so a
    /// name sorts before every longer name it begins.
    /// </summary>
    [StructLayout(LayoutKind.Auto)]
    private readonly record struct NameKey(ulong High, ulong Low, string Name)
    {
        private const int CharsPerHalf = 4;

        public static NameKey Of(string name) => new(Half(name, 0), Half(name, CharsPerHalf), name);

        private static ulong Half(string name, int start)
        {
            var half = 0UL;
            for (var i = start; i < start + CharsPerHalf; i++)
            {
                half = (half << 16) | (i < name.Length ? name[i] : 0UL);
            }

            return half;
        }
    }

    /// <summary>Ordinal order of the names the keys stand for (a struct, so the sort calls it without a delegate).</summary>
    private readonly struct NameKeyOrder : IComparer<NameKey>
    {
        public int Compare(NameKey x, NameKey y) =>
            x.High != y.High ? x.High.CompareTo(y.High)
            : x.Low != y.Low ? x.Low.CompareTo(y.Low)
            : string.CompareOrdinal(x.Name, y.Name);
    }
}

using System.Runtime.InteropServices;
using System.Text;

namespace PoshServer.Tenants;

/// <summary>
/// The tenant files of a directory on Linux, listed the way find(1) lists them: readdir(3), then one statx(2) per
/// tenant file relative to the directory's descriptor, asking only for the type, size and modification time. The
/// runtime's enumerator stats each entry by its full path (the kernel walks every component of it again) and
/// converts every name and path between UTF-8 and UTF-16. For 100,000 files (bench/README.md, "Issue 9, ninth pass"):
/// find 0.29-0.32 s, this 0.24-0.29 s, and a whole listing with its sort 0.40-0.43 s where the runtime's enumerator
/// took 0.45-0.51 s. The stamps are the ones <see cref="FileInfo"/> gives (seconds and
/// nanoseconds since the epoch, to the tick), so they compare equal with the probes' and the parse cache's.
/// <para>Elsewhere, or where the C library lacks statx, <see cref="TenantDirectoryScanner"/> uses the runtime's enumerator.</para>
/// </summary>
internal static class PosixDirectoryListing
{
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxMtime = 0x40;
    private const uint StatxSize = 0x200;
    private const ushort TypeMask = 0xF000;
    private const ushort TypeDirectory = 0x4000;
    private const ushort TypeLink = 0xA000;
    private const int NoSuchFile = 2;
    // struct dirent on 64-bit Linux (glibc and musl): d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name.
    private const int RecordLengthOffset = 16;
    private const int NameOffset = 19;
    private const int MaxNameBytes = 255;

    private static volatile bool s_unavailable = !OperatingSystem.IsLinux() || !Environment.Is64BitProcess;

    /// <summary>
    /// Adds the tenant files to <paramref name="files"/> (unsorted) and returns true with <paramref name="error"/> null,
    /// or with why the directory cannot be listed; false when this platform needs the runtime's enumerator instead.
    /// </summary>
    public static bool TryList(string directory, TenantsOptions options, ReloadPacer? pace, TenantFileReader? remembered, List<ListedTenantFile> files, out string? error)
    {
        error = null;
        if (s_unavailable)
        {
            return false;
        }

        nint handle;
        try
        {
            handle = opendir(directory);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            s_unavailable = true;
            return false;
        }

        if (handle == 0)
        {
            error = Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
            return true;
        }

        try
        {
            return List(handle, options, pace, remembered, files, out error);
        }
        finally
        {
            _ = closedir(handle);
        }
    }

    private static bool List(nint handle, TenantsOptions options, ReloadPacer? pace, TenantFileReader? remembered, List<ListedTenantFile> files, out string? error)
    {
        error = null;
        var descriptor = dirfd(handle);
        var bytes = new byte[MaxNameBytes + 1];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(MaxNameBytes)];
        while (true)
        {
            Marshal.SetLastSystemError(0);
            var entry = readdir(handle);
            if (entry == 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                error = errno == 0 ? null : Marshal.GetPInvokeErrorMessage(errno);
                return true;
            }

            pace?.Step();
            var length = Math.Min(Marshal.ReadInt16(entry, RecordLengthOffset) - NameOffset, bytes.Length);
            Marshal.Copy(entry + NameOffset, bytes, 0, length);
            var nameBytes = bytes.AsSpan(0, length);
            var end = nameBytes.IndexOf((byte)0);
            nameBytes = end >= 0 ? nameBytes[..end] : nameBytes;
            // Invalid UTF-8 becomes U+FFFD, as in the runtime's enumerator: such a file is listed and then fails to open.
            var name = chars.AsSpan(0, Encoding.UTF8.GetChars(nameBytes, chars));
            if (!TenantDirectoryScanner.IsTenantFileName(name, options))
            {
                continue;
            }

            int status;
            Statx stat;
            try
            {
                status = statx(descriptor, entry + NameOffset, AtSymlinkNoFollow, StatxType | StatxSize | StatxMtime, out stat);
            }
            catch (EntryPointNotFoundException)
            {
                // A C library without statx (older musl): the runtime's enumerator lists instead, from the start.
                s_unavailable = true;
                files.Clear();
                return false;
            }

            if (status != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == NoSuchFile)
                {
                    // Removed since readdir saw it: gone, as a listing a moment later would say.
                    continue;
                }

                error = $"'{name}': {Marshal.GetPInvokeErrorMessage(errno)}";
                return true;
            }

            var type = (ushort)(stat.Mode & TypeMask);
            if (type == TypeDirectory || (type == TypeLink && IsDirectoryTarget(descriptor, entry + NameOffset)))
            {
                continue;
            }

            files.Add(TenantDirectoryScanner.Listed(
                name,
                type == TypeLink ? null : new TenantFileStamp((long)stat.Size, DateTime.UnixEpoch.AddTicks((stat.ModifiedSeconds * TimeSpan.TicksPerSecond) + (stat.ModifiedNanoseconds / TimeSpan.NanosecondsPerTick))),
                remembered));
        }
    }

    /// <summary>A link to a directory is skipped like a directory (the runtime's enumerator follows links for that); a dangling one is listed.</summary>
    private static bool IsDirectoryTarget(int descriptor, nint name) =>
        statx(descriptor, name, 0, StatxType, out var target) == 0 && (target.Mode & TypeMask) == TypeDirectory;

    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint opendir(string name);

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint readdir(nint directory);

    [DllImport("libc")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int dirfd(nint directory);

    [DllImport("libc")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int closedir(nint directory);

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int statx(int directory, nint path, int flags, uint mask, out Statx buffer);

    /// <summary>struct statx (linux/stat.h): the same layout on every architecture; only the fields read here are named.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct Statx
    {
        [FieldOffset(28)]
        public ushort Mode;

        [FieldOffset(40)]
        public ulong Size;

        [FieldOffset(112)]
        public long ModifiedSeconds;

        [FieldOffset(120)]
        public uint ModifiedNanoseconds;
    }
}

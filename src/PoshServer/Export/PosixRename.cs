using System.Runtime.InteropServices;

namespace PoshServer.Export;

/// <summary>
/// rename(2) itself. File.Move checks that its source is a file, following symlinks, so it refuses to move a symlink
/// that points at a directory; switching the export's <c>current</c> link needs the plain system call, which replaces
/// the destination name atomically.
/// </summary>
internal static class PosixRename
{
    public static void Replace(string source, string destination)
    {
        if (rename(source, destination) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"rename {source} -> {destination} failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
    }

    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int rename(string oldpath, string newpath);
}

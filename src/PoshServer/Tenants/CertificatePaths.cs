using System.Diagnostics.CodeAnalysis;

namespace PoshServer.Tenants;

/// <summary>Resolution of certificate file names written in YAML files.</summary>
internal static class CertificatePaths
{
    /// <summary>A relative path that stays inside <paramref name="directory"/> after normalisation.</summary>
    public static bool TryResolveInside(string directory, string written, [NotNullWhen(true)] out string? path, [NotNullWhen(false)] out string? error)
    {
        path = null;
        if (written.Length == 0 || written.Contains('\0', StringComparison.Ordinal))
        {
            error = "the certificate path is empty or contains a NUL character";
            return false;
        }

        if (Path.IsPathRooted(written))
        {
            error = $"certificate path '{written}' is absolute; tenant files may only name files inside the tenants directory";
            return false;
        }

        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(root, written));
        if (!full.StartsWith(root, StringComparison.Ordinal))
        {
            error = $"certificate path '{written}' leaves the tenants directory";
            return false;
        }

        path = full;
        error = null;
        return true;
    }

    /// <summary>Relative paths resolve against the directory of the file that names them; absolute paths stay.</summary>
    public static string Resolve(string directory, string written) => Path.GetFullPath(Path.Combine(directory, written));
}

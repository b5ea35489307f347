namespace PoshServer.Cluster;

/// <summary>Rules for item keys: slash-separated, no empty, '.' or '..' segment (a key never escapes a files root).</summary>
internal static class ClusterKeys
{
    public static void Validate(string key)
    {
        if (key.Length is 0 or > 1000 || key.Split('/').Any(segment => segment is "" or "." or ".." || segment.Contains('\\', StringComparison.Ordinal)))
        {
            throw new ArgumentException($"'{key}' is not a valid cluster key.", nameof(key));
        }
    }
}

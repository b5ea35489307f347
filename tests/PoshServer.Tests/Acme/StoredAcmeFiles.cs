using System.Text.Json;
using PoshServer.Acme;

namespace PoshServer.Tests.Acme;

/// <summary>Reads ACME state straight from the files layout (for polling conditions, which are synchronous).</summary>
internal static class StoredAcmeFiles
{
    public static AcmeNameState? State(string root, string name)
    {
        var path = Path.Combine(root, "names", name, "state.json");
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), AcmeJsonContext.Default.AcmeNameState) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static IReadOnlyList<AcmeNameState> AllStates(string root)
    {
        var names = Path.Combine(root, "names");
        return Directory.Exists(names)
            ? [.. Directory.EnumerateDirectories(names).Select(d => State(root, Path.GetFileName(d))).OfType<AcmeNameState>().OrderBy(s => s.HostName, StringComparer.Ordinal)]
            : [];
    }
}

using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PoshServer.Rotation;

/// <summary>
/// The rotation state file. Written through a temporary file in the same directory and a rename, so a crash
/// leaves either the old or the new state, never half of one.
/// </summary>
internal sealed class RotationStateStore(IOptions<RotationOptions> options, ILogger<RotationStateStore> logger)
{
    private RotationState? _state;

    public string Path => options.Value.ResolveStatePath();

    /// <summary>The state, read from disk on first use; a missing file is an empty state, an unreadable one too (logged).</summary>
    public RotationState Load()
    {
        if (_state is { } loaded)
        {
            return loaded;
        }

        _state = Read(Path, logger);
        return _state;
    }

    public void Save(RotationState state)
    {
        var path = Path;
        var directory = System.IO.Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temp = System.IO.Path.Combine(directory, "." + System.IO.Path.GetFileName(path) + ".tmp");
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(state, RotationJsonContext.Default.RotationState));
        File.Move(temp, path, overwrite: true);
        _state = state;
    }

    /// <summary>Reads a state file without keeping it (for commands that only look).</summary>
    public static RotationState Read(string path, ILogger logger)
    {
        try
        {
            if (!File.Exists(path))
            {
                return RotationState.Empty;
            }

            var state = JsonSerializer.Deserialize(File.ReadAllBytes(path), RotationJsonContext.Default.RotationState);
            return state is null ? RotationState.Empty : state with { Sets = new Dictionary<string, RotationSetState>(state.Sets, StringComparer.Ordinal) };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            // Starting over only makes safe-at times later (every fingerprint counts as published now), never earlier.
            RotationLog.StateUnreadable(logger, path, ex.Message);
            return RotationState.Empty;
        }
    }
}

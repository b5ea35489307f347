namespace PoshServer.Export;

/// <summary>One completed export: the version directory that <c>current</c> now points at.</summary>
internal sealed record ExportResult
{
    /// <summary>The version's name under <c>versions/</c>.</summary>
    public required string Version { get; init; }

    public required string VersionDirectory { get; init; }

    public required long Generation { get; init; }

    public required int FileCount { get; init; }

    public required int HostCount { get; init; }

    /// <summary>Older versions deleted after the switch.</summary>
    public required int Pruned { get; init; }
}

namespace PoshServer.Export;

/// <summary>
/// <c>manifest.json</c> of a version: every file with the headers PoshServer sends, for uploads to object stores and
/// CDNs that take Content-Type, Cache-Control and Content-Disposition per object.
/// </summary>
internal sealed record ExportManifest
{
    public required long Generation { get; init; }

    public required DateTimeOffset SnapshotBuiltAt { get; init; }

    public required DateTimeOffset ExportedAt { get; init; }

    public required string CacheControl { get; init; }

    public required IReadOnlyList<ExportManifestFile> Files { get; init; }
}

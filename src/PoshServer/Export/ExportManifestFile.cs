namespace PoshServer.Export;

/// <summary>One file of <see cref="ExportManifest"/>; <see cref="Path"/> is relative to the version directory.</summary>
internal sealed record ExportManifestFile
{
    public required string Path { get; init; }

    public required string Host { get; init; }

    public required string UrlPath { get; init; }

    public required string ContentType { get; init; }

    public required string ETag { get; init; }

    public required int Length { get; init; }

    public string? ContentDisposition { get; init; }
}

namespace PoshServer.Export;

/// <summary>Where an export goes and how the generated nginx configuration refers to it.</summary>
internal sealed record ExportTarget
{
    /// <summary>The export directory (absolute): holds <c>current</c>, <c>versions/</c> and <c>nginx/</c>.</summary>
    public required string Directory { get; init; }

    /// <summary>
    /// The path nginx sees the export directory under (default: <see cref="Directory"/>), when the web servers mount
    /// or sync it elsewhere.
    /// </summary>
    public required string NginxDirectory { get; init; }

    /// <summary>Versions kept, the current one included (at least 2: a request that resolved the previous one still finds its file).</summary>
    public required int Keep { get; init; }
}

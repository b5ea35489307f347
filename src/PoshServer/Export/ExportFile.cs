namespace PoshServer.Export;

/// <summary>One response the server would give, as a file: the host it answers on, its URL path and the exact bytes.</summary>
internal sealed record ExportFile
{
    /// <summary>The Host the server answers this path on: lower case, as nginx's <c>$host</c> presents it.</summary>
    public required string Host { get; init; }

    /// <summary>The URL path, starting with '/', e.g. <c>/.well-known/posh/xmpp-server.json</c>.</summary>
    public required string UrlPath { get; init; }

    /// <summary>The body, byte for byte what PoshServer writes (the snapshot's precomputed bytes).</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    public required string ContentType { get; init; }

    /// <summary>PoshServer's strong ETag for these bytes, for stores that let an upload set it.</summary>
    public required string ETag { get; init; }

    /// <summary>Set for reference files, which PoshServer serves as a download.</summary>
    public string? ContentDisposition { get; init; }
}

namespace PoshServer.Tenants;

/// <summary>A file's size and modification time: a file whose stamp is unchanged is not read again.</summary>
internal readonly record struct TenantFileStamp(long Length, DateTime Written)
{
    public static TenantFileStamp Of(FileInfo info) => new(info.Length, info.LastWriteTimeUtc);
}

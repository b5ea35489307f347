namespace PoshServer.Tenants;

/// <summary>
/// A tenant file's parse result with the stamp of the version it came from (see <see cref="TenantFileReader"/>). A
/// class: the reader's cache, the parse cache file and the listing share one instance per file, so a listing hands
/// the load what the reader remembers without a second lookup.
/// </summary>
internal sealed record RememberedTenantFile(string Name, TenantFileStamp Stamp, ParsedTenantFile Parsed);

namespace PoshServer.Tenants;

/// <summary>
/// A tenant file's parse result with the stamp of the version it came from (see <see cref="TenantFileReader"/>). A
/// class: the reader's cache, the parse cache file and the listing share one instance per file, and the runtime's
/// precompiled code for collections of references serves them at start-up instead of code compiled for a struct.
/// </summary>
internal sealed record RememberedTenantFile(string Name, TenantFileStamp Stamp, ParsedTenantFile Parsed);

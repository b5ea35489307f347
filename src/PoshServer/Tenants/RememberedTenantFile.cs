namespace PoshServer.Tenants;

/// <summary>A tenant file's parse result with the stamp of the version it came from (see <see cref="TenantFileReader"/>).</summary>
internal readonly record struct RememberedTenantFile(string Name, TenantFileStamp Stamp, ParsedTenantFile Parsed);

namespace PoshServer.Tenants;

/// <summary>
/// The tenant files of the directory, in its own order (see <see cref="TenantDirectoryScanner.List"/>), or why the
/// directory could not be listed.
/// </summary>
internal sealed record TenantDirectoryListing(List<ListedTenantFile>? Files, string? Error)
{
    public bool Succeeded => Files is not null;
}

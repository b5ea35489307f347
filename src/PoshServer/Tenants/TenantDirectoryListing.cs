namespace PoshServer.Tenants;

/// <summary>The tenant files of the directory, sorted by name, or why the directory could not be listed.</summary>
internal sealed record TenantDirectoryListing(IReadOnlyList<ListedTenantFile>? Files, string? Error)
{
    public bool Succeeded => Files is not null;
}

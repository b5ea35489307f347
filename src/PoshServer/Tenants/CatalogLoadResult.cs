using System.Collections.Immutable;

namespace PoshServer.Tenants;

/// <summary>A load of the tenants directory: the snapshot to serve and every diagnostic found.</summary>
internal sealed record CatalogLoadResult(TenantSnapshot Snapshot, ImmutableArray<TenantDiagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    public IEnumerable<TenantDiagnostic> Errors => Diagnostics.Where(d => d.IsError);
}

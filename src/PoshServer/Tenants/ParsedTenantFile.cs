using System.Collections.Immutable;

namespace PoshServer.Tenants;

/// <summary>
/// One tenant file after reading and parsing: the tenant, or everything wrong with it. <see cref="Transient"/> marks an
/// I/O failure (not the file's content), which is retried.
/// </summary>
internal sealed record ParsedTenantFile(Tenant? Tenant, ImmutableArray<TenantDiagnostic> Diagnostics, TenantFilePositions Positions, bool Transient)
{
    public static readonly TenantFilePositions Start = new((1, 1), (1, 1));
}

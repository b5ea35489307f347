using Microsoft.Extensions.Diagnostics.HealthChecks;
using PoshServer.Tenants;

namespace PoshServer.Health;

/// <summary>
/// Ready once tenants are loaded; degraded while the latest load has errors — files rejected and served at their
/// last good version, or an I/O error (unreadable directory, failed reload) — with the first reason in the description.
/// </summary>
internal sealed class TenantsHealthCheck(TenantStore store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = store.Current;
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["tenants"] = snapshot.Tenants.Count,
            ["certificateSets"] = snapshot.Sets.Count,
            ["generation"] = snapshot.Generation,
        };
        if (snapshot.Generation == 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("Tenants are not loaded yet.", data: data));
        }

        var errors = store.LastResult?.Errors.ToList() ?? [];
        if (errors.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"{snapshot.Tenants.Count} tenants loaded.", data: data));
        }

        data["errors"] = errors.Take(10).Select(e => e.ToString()).ToArray();
        var retried = errors.Any(e => e.Transient) ? " (retried until it succeeds)" : string.Empty;
        return Task.FromResult(HealthCheckResult.Degraded($"The last tenant load has {errors.Count} problem(s){retried}; affected tenants serve their last good version. First: {errors[0]}", data: data));
    }
}

using Microsoft.Extensions.Diagnostics.HealthChecks;
using PoshServer.Tenants;

namespace PoshServer.Health;

/// <summary>Ready once tenants are loaded; degraded while some files are rejected and served at their last good version.</summary>
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

        var errors = store.LastResult?.Errors.Count() ?? 0;
        return Task.FromResult(errors > 0
            ? HealthCheckResult.Degraded($"The last reload rejected {errors} problem(s); affected files serve their last good version.", data: data)
            : HealthCheckResult.Healthy($"{snapshot.Tenants.Count} tenants loaded.", data: data));
    }
}

using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PoshServer.Https;

/// <summary>
/// Degraded while a configured HTTPS certificate file fails to reload (its directory removed or unreadable, a renewal
/// tool's half-written key): the previous certificate keeps serving, but it will not be renewed until the files load
/// again, and an operator must hear of it before it expires (issue 14). Healthy again once every file loads.
/// </summary>
internal sealed class HttpsCertificatesHealthCheck(HttpsCertificateFileService files) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failures = files.Failures;
        if (failures.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy("Every HTTPS certificate file loaded."));
        }

        var data = failures.Take(10).ToDictionary(f => f.Key, f => (object)f.Value, StringComparer.Ordinal);
        var (file, error) = failures.First();
        return Task.FromResult(HealthCheckResult.Degraded(
            $"{failures.Count} HTTPS certificate file(s) failed to reload; the previous certificate keeps serving. First: {file}: {error}", data: data));
    }
}

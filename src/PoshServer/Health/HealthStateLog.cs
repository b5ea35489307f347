using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PoshServer.Health;

/// <summary>
/// Logs a health check when its status changes, not on every probe: the health check service logs each Degraded or
/// Unhealthy check of each request, so a load balancer probing /healthz every second while Degraded wrote a warning a
/// second (issue 13). Its category is filtered out in <see cref="HealthEndpoints.AddPoshHealthChecks"/>.
/// </summary>
internal sealed class HealthStateLog(ILogger<HealthStateLog> logger)
{
    private readonly ConcurrentDictionary<string, HealthStatus> _last = new(StringComparer.Ordinal);

    public void Observe(HealthReport report)
    {
        foreach (var (name, entry) in report.Entries)
        {
            var known = _last.TryGetValue(name, out var previous);
            if (known && previous == entry.Status)
            {
                continue;
            }

            _last[name] = entry.Status;

            // A check first seen healthy is the normal state and not worth a line.
            previous = known ? previous : HealthStatus.Healthy;
            if (previous == entry.Status)
            {
                continue;
            }

            if (entry.Status == HealthStatus.Healthy)
            {
                HealthLog.Recovered(logger, name, entry.Status.ToString(), previous.ToString(), entry.Description);
            }
            else
            {
                HealthLog.Changed(logger, name, entry.Status.ToString(), previous.ToString(), entry.Description, entry.Exception);
            }
        }
    }
}

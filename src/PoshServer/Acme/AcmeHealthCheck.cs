using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace PoshServer.Acme;

/// <summary>
/// Degraded when a configured name's certificate expires within <see cref="AcmeOptions.ExpiryWarningDays"/>, or its
/// issuance failed <see cref="AcmeOptions.FailureWarningThreshold"/> times in a row. Never Unhealthy: the server keeps
/// serving what it has.
/// </summary>
internal sealed class AcmeHealthCheck : IHealthCheck
{
    private readonly AcmeStorage _storage;
    private readonly IAcmeNameSource _names;
    private readonly AcmeOptions _options;
    private readonly TimeProvider _timeProvider;

    public AcmeHealthCheck(AcmeStorage storage, IAcmeNameSource names, IOptions<AcmeOptions> options, TimeProvider timeProvider)
    {
        _storage = storage;
        _names = names;
        _options = options.Value;
        _timeProvider = timeProvider;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!_options.Enabled)
        {
            return Task.FromResult(HealthCheckResult.Healthy("ACME is disabled."));
        }

        var now = _timeProvider.GetUtcNow();
        var warnBefore = now + TimeSpan.FromDays(_options.ExpiryWarningDays);
        var problems = new SortedDictionary<string, object>(StringComparer.Ordinal);
        var names = _names.GetNames();
        foreach (var name in names)
        {
            var state = _storage.GetCachedState(name);
            if (state?.NotAfter is { } notAfter && notAfter <= warnBefore)
            {
                problems[name] = notAfter <= now ? $"expired at {notAfter:O}" : $"expires at {notAfter:O}";
            }
            else if (state is { FailureCount: var failures } && failures >= _options.FailureWarningThreshold)
            {
                problems[name] = $"{failures} failed attempts: {state.LastError}";
            }
        }

        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy($"{names.Count} names, none expiring within {_options.ExpiryWarningDays} days or failing.")
            : HealthCheckResult.Degraded($"{problems.Count} of {names.Count} names need attention.", data: problems.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal)));
    }
}

using System.Diagnostics.Metrics;
using Microsoft.Extensions.Primitives;
using PoshServer.FailureReports;
using PoshServer.Rotation;
using PoshServer.TenantChecks;
using PoshServer.Tenants;

namespace PoshServer.Metrics;

/// <summary>
/// Observable gauges read at scrape time from the state the server already holds (snapshot, rotation, checks,
/// reports), and the reload counter fed by the tenant store's change token. Labels: set, role, phase, verifier,
/// verdict: bounded by configuration, never by tenant count.
/// </summary>
internal sealed class PoshGauges : IDisposable
{
    private readonly IDisposable _reloads;

    public PoshGauges(PoshMetrics metrics, TenantStore store, RotationCoordinator rotation, TenantCheckResults checks, FailureReportStore reports, TimeProvider timeProvider)
    {
        var meter = metrics.Meter;
        _reloads = ChangeToken.OnChange(store.GetReloadToken, () => metrics.TenantsReloaded(store.LastResult is not { HasErrors: true }));

        meter.CreateObservableGauge("posh.certificate.expiry", () => CertificateExpiry(store, rotation, timeProvider), "d", "Days until certificates expire, per set and role (current: what the XMPP servers present; next; retiring).");
        meter.CreateObservableGauge("posh.rotation.phase", () => Phases(rotation), "{set}", "1 for each set's current rotation phase, 0 for the others.");
        meter.CreateObservableGauge("posh.rotation.safe_at_timestamp", () => SafeAt(rotation), "s", "Unix time at which a set's next certificate becomes safe to deploy.");
        meter.CreateObservableGauge("posh.tenant_checks.verdicts", () => Verdicts(checks), "{tenant}", "Tenants by verdict of each known verifier, from the latest check.");
        meter.CreateObservableGauge("posh.tenants", () => Tenants(store), "{tenant}", "Tenants loaded, by state.");
        meter.CreateObservableGauge("posh.failure_reports.domains", () => reports.Summaries(0).Count, "{domain}", "Domains with failure reports in the window.");
    }

    public void Dispose() => _reloads.Dispose();

    private static IEnumerable<Measurement<double>> CertificateExpiry(TenantStore store, RotationCoordinator rotation, TimeProvider timeProvider)
    {
        var now = timeProvider.GetUtcNow();
        double Days(DateTimeOffset notAfter) => Math.Round((notAfter - now).TotalDays, 3);
        var statuses = rotation.Statuses.ToDictionary(s => s.Set, StringComparer.Ordinal);
        foreach (var set in store.Current.Sets.Values)
        {
            var name = set.Set.Name;
            if (statuses.TryGetValue(name, out var status) && status.Current.Count > 0)
            {
                yield return Measure(Days(status.Current.Min(c => c.NotAfter)), ("set", name), ("role", "current"));
                if (status.Next is { } next)
                {
                    yield return Measure(Days(next.NotAfter), ("set", name), ("role", "next"));
                }

                if (status.Retiring.Count > 0)
                {
                    yield return Measure(Days(status.Retiring.Min(c => c.NotAfter)), ("set", name), ("role", "retiring"));
                }
            }
            else if (!set.Published.IsEmpty)
            {
                yield return Measure(Days(set.Published.Min(c => c.NotAfter)), ("set", name), ("role", "current"));
            }
        }
    }

    private static IEnumerable<Measurement<int>> Phases(RotationCoordinator rotation)
    {
        foreach (var status in rotation.Statuses)
        {
            foreach (var phase in Enum.GetValues<RotationPhase>())
            {
                yield return Measure(phase == status.Phase ? 1 : 0, ("set", status.Set), ("phase", phase.ToString()));
            }
        }
    }

    private static IEnumerable<Measurement<double>> SafeAt(RotationCoordinator rotation) =>
        rotation.Statuses.Where(s => s.SafeAt is not null).Select(s => Measure((double)s.SafeAt!.Value.ToUnixTimeSeconds(), ("set", s.Set)));

    private static IEnumerable<Measurement<int>> Verdicts(TenantCheckResults checks)
    {
        var all = checks.All;
        foreach (var verifier in Enum.GetValues<KnownVerifier>())
        {
            foreach (var verdict in Enum.GetValues<CheckVerdict>())
            {
                var count = all.Count(r => r.Verdicts.Any(v => v.Verifier == verifier && v.Verdict == verdict));
                yield return Measure(count, ("verifier", verifier.ToString()), ("verdict", verdict.ToString()));
            }
        }
    }

    private static IEnumerable<Measurement<int>> Tenants(TenantStore store)
    {
        var tenants = store.Current.Tenants.Values;
        yield return Measure(tenants.Count(t => !t.Tenant.Disabled), ("state", "enabled"));
        yield return Measure(tenants.Count(t => t.Tenant.Disabled), ("state", "disabled"));
    }

    private static Measurement<T> Measure<T>(T value, params (string Key, string Value)[] tags)
        where T : struct =>
        new(value, tags.Select(t => new KeyValuePair<string, object?>(t.Key, t.Value)));
}

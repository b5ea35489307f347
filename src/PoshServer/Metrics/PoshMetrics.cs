using System.Diagnostics.Metrics;

namespace PoshServer.Metrics;

/// <summary>
/// The server's own instruments (meter "PoshServer"). Labels are bounded sets (service, status, outcome, set, verdict):
/// never a tenant domain, so thousands of tenants do not make thousands of series.
/// </summary>
internal sealed class PoshMetrics
{
    public const string MeterName = "PoshServer";

    private static readonly object s_ok = StatusCodes.Status200OK;
    private static readonly object s_notModified = StatusCodes.Status304NotModified;
    private static readonly object s_notFound = StatusCodes.Status404NotFound;

    private readonly Counter<long> _documents;
    private readonly Counter<long> _reloads;
    private readonly Counter<long> _failureReports;
    private readonly Counter<long> _checks;
    private readonly Histogram<double> _checkDuration;

    public PoshMetrics(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(MeterName);
        _documents = Meter.CreateCounter<long>("posh.documents.served", "{response}", "POSH documents answered, by service and HTTP status.");
        _reloads = Meter.CreateCounter<long>("posh.tenants.reloads", "{reload}", "Tenant catalog reloads, by outcome (ok, rejected: some files kept their last good version).");
        _failureReports = Meter.CreateCounter<long>("posh.failure_reports.received", "{report}", "Failure reports accepted from verifiers, by service and outcome.");
        _checks = Meter.CreateCounter<long>("posh.tenant_checks.completed", "{check}", "Tenant set-up checks run, by overall verdict.");
        _checkDuration = Meter.CreateHistogram(
            "posh.tenant_check.duration",
            "s",
            "Time one tenant's set-up check took.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
    }

    public Meter Meter { get; }

    /// <summary>On every document request: the usual statuses are boxed once, not on each call.</summary>
    public void DocumentServed(string service, int status) =>
        _documents.Add(1, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("status", Boxed(status)));

    public void TenantsReloaded(bool ok) => _reloads.Add(1, new KeyValuePair<string, object?>("outcome", ok ? "ok" : "rejected"));

    public void FailureReportReceived(string service, string outcome) =>
        _failureReports.Add(1, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("outcome", outcome));

    public void TenantChecked(string verdict, TimeSpan duration)
    {
        _checks.Add(1, new KeyValuePair<string, object?>("verdict", verdict));
        _checkDuration.Record(duration.TotalSeconds);
    }

    private static object Boxed(int status) => status switch
    {
        StatusCodes.Status200OK => s_ok,
        StatusCodes.Status304NotModified => s_notModified,
        StatusCodes.Status404NotFound => s_notFound,
        _ => status,
    };
}

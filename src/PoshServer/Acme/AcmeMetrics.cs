using System.Diagnostics.Metrics;

namespace PoshServer.Acme;

/// <summary>
/// Counters of the meter <c>PoshServer.Acme</c>. No per-name tags: thousands of tenants would be thousands of series.
/// </summary>
internal sealed class AcmeMetrics
{
    public const string MeterName = "PoshServer.Acme";
    private readonly Counter<long> _orders;
    private readonly Counter<long> _issued;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _rateLimited;

    public AcmeMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _orders = meter.CreateCounter<long>("poshserver.acme.orders", "{order}", "New ACME orders created.");
        _issued = meter.CreateCounter<long>("poshserver.acme.certificates_issued", "{certificate}", "Certificates issued and installed.");
        _failures = meter.CreateCounter<long>("poshserver.acme.failures", "{attempt}", "Issuance attempts that failed, pre-flight included.");
        _rateLimited = meter.CreateCounter<long>("poshserver.acme.rate_limited", "{response}", "rateLimited answers from the CA.");
    }

    public void OrderCreated() => _orders.Add(1);

    public void CertificateIssued() => _issued.Add(1);

    public void AttemptFailed() => _failures.Add(1);

    public void RateLimited() => _rateLimited.Add(1);
}

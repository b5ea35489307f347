using PoshClient.Documents;

namespace PoshServer.TenantChecks;

/// <summary>
/// Connects to a tenant's XMPP endpoint found via SRV (STARTTLS or XEP-0368 direct TLS, SNI and stream 'to' = the
/// tenant) and reports the certificate presented. The seam for PoshClient's XMPP connector and for tests.
/// </summary>
internal interface ILiveCertificateProbe
{
    Task<LiveProbeResult> ProbeAsync(string domain, PoshService service, CancellationToken cancellationToken = default);
}

using PoshClient.Documents;

namespace PoshServer.TenantChecks;

/// <summary>Used until an XMPP connector is registered: the live check reports "not checked" rather than guessing.</summary>
internal sealed class UnavailableLiveProbe : ILiveCertificateProbe
{
    public Task<LiveProbeResult> ProbeAsync(string domain, PoshService service, CancellationToken cancellationToken = default) =>
        Task.FromResult(LiveProbeResult.NotAvailable);
}

using PoshClient.Documents;
using PoshServer.TenantChecks;

namespace PoshServer.Tests.TenantChecks;

/// <summary>Stands in for the XMPP connector: what each tenant's live endpoint presents.</summary>
internal sealed class FakeLiveProbe(Func<string, string?> presented) : ILiveCertificateProbe
{
    public Task<LiveProbeResult> ProbeAsync(string domain, PoshService service, CancellationToken cancellationToken = default) =>
        Task.FromResult(new LiveProbeResult { Checked = true, PresentedSha256 = presented(domain), Endpoint = "xmpp.hosting.test:5269", Reason = "handshake completed" });
}

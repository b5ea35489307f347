using System.Globalization;
using PoshClient.Documents;
using PoshClient.Names;
using PoshClient.Xmpp;

namespace PoshServer.TenantChecks;

/// <summary>
/// The live check through PoshClient's connector, exactly as a peer connects: SRV for STARTTLS and XEP-0368 direct
/// TLS (RFC 6120 §3.2.1), SNI and stream 'to' = the tenant, then the certificate decision. What matters here is the
/// certificate presented, not the connector's verdict: the tenant check compares it with what we publish, so a
/// certificate the peer would reject is reported too (its summary is part of the rejected decision).
/// </summary>
/// <remarks>
/// The connector stops at the first endpoint that is accepted, as a peer does; the report then describes that
/// endpoint. When every endpoint fails it describes the last TLS attempt.
/// </remarks>
internal sealed class XmppLiveCertificateProbe(XmppConnector connector) : ILiveCertificateProbe
{
    public async Task<LiveProbeResult> ProbeAsync(string domain, PoshService service, CancellationToken cancellationToken = default)
    {
        var result = await connector.ConnectAsync(domain, service, options: null, cancellationToken);
        if (result.Connection is { } connection)
        {
            // Only the handshake was wanted; close the stream without authenticating.
            await connection.DisposeAsync();
        }

        var report = result.Report;
        if (report.Attempts.Count == 0)
        {
            // No endpoint at all (no SRV records and no address, or SRV target "."): the SRV check explains it.
            return new LiveProbeResult { Checked = false, Reason = "no XMPP endpoint to connect to: " + result.Reason, Dane = report.Certificate?.Dane };
        }

        var presented = report.Certificate?.Certificate;
        return new LiveProbeResult
        {
            Checked = true,
            PresentedSha256 = presented?.Sha256Base64,
            Endpoint = Endpoint(report),
            Dane = report.Certificate?.Dane,
            Reason = presented is null
                ? result.Reason
                : $"{(result.IsConnected ? "accepted" : "presented")} {presented.Subject}: {report.Certificate!.Reason}",
        };
    }

    /// <summary>host:port of the endpoint the report describes, else of the last attempt.</summary>
    private static string Endpoint(XmppConnectReport report)
    {
        var endpoint = report.Endpoint ?? report.Attempts[^1].Endpoint;
        var host = DomainName.TryParse(endpoint.Host, out var name) ? name.Value : endpoint.Host;
        return string.Create(CultureInfo.InvariantCulture, $"{host}:{endpoint.Port}");
    }
}

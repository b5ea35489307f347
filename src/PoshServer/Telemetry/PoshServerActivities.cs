using System.Diagnostics;

namespace PoshServer.Telemetry;

/// <summary>
/// The server's traces (ActivitySource "PoshServer"): a tenant reload and an ACME order. Exported over OTLP when
/// <c>OpenTelemetry:OtlpEndpoint</c> is set; any ActivityListener sees them otherwise. Tags carry names and outcomes,
/// never key material.
/// </summary>
internal static class PoshServerActivities
{
    public const string SourceName = "PoshServer";

    /// <summary>One tenant catalog load (start-up, file change, SIGHUP, retry): tags posh.reload.reason, .full, .outcome, .tenants.</summary>
    public const string TenantsReload = "posh.tenants.reload";

    /// <summary>One ACME certificate order, RFC 8555 §7.4 (order, authorizations, finalize, download): tag acme.host_name.</summary>
    public const string AcmeOrder = "posh.acme.order";

    public static readonly ActivitySource Source = new(SourceName, typeof(PoshServerActivities).Assembly.GetName().Version?.ToString());
}

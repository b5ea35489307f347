using System.Diagnostics;

namespace PoshClient.Verification;

/// <summary>
/// PoshClient's traces (ActivitySource "PoshClient", the library's name): one activity per POSH verification
/// (RFC 7711 §3), tagged with the domain, the service and the outcome. Free unless a listener (OpenTelemetry's
/// <c>AddSource("PoshClient")</c>, for one) is attached.
/// </summary>
internal static class PoshClientActivities
{
    public const string SourceName = "PoshClient";

    public const string Verify = "posh.verify";

    public static readonly ActivitySource Source = new(SourceName, typeof(PoshClientActivities).Assembly.GetName().Version?.ToString());
}

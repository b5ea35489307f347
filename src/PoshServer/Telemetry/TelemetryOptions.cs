using System.Diagnostics.CodeAnalysis;
using OpenTelemetry.Exporter;

namespace PoshServer.Telemetry;

/// <summary>OpenTelemetry export ("OpenTelemetry" section): off unless an OTLP endpoint is set. /metrics is served either way.</summary>
internal sealed class TelemetryOptions
{
    public const string Section = "OpenTelemetry";

    /// <summary>
    /// The collector's base URL, e.g. http://otel-collector:4318 (OTLP/HTTP; /v1/traces and /v1/metrics are appended) or
    /// http://otel-collector:4317 with <see cref="OtlpProtocol"/> Grpc. Default: none (nothing is pushed). Absolute http or https.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>HttpProtobuf (default) or Grpc.</summary>
    public OtlpExportProtocol OtlpProtocol { get; set; } = OtlpExportProtocol.HttpProtobuf;

    /// <summary>The service.name resource attribute. Default "PoshServer"; replicas are told apart by service.instance.id (the host name).</summary>
    public string ServiceName { get; set; } = "PoshServer";

    /// <summary>The endpoint as a URI when it is set and valid (the validator rejects anything else at start-up).</summary>
    public static bool TryParseEndpoint(string? value, [NotNullWhen(true)] out Uri? endpoint)
    {
        endpoint = null;
        return !string.IsNullOrWhiteSpace(value)
            && Uri.TryCreate(value, UriKind.Absolute, out endpoint)
            && (string.Equals(endpoint.Scheme, Uri.UriSchemeHttp, StringComparison.Ordinal) || string.Equals(endpoint.Scheme, Uri.UriSchemeHttps, StringComparison.Ordinal))
            && string.IsNullOrEmpty(endpoint.Query)
            && string.IsNullOrEmpty(endpoint.Fragment);
    }
}

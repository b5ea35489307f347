using Microsoft.AspNetCore.Http.Metadata;

namespace PoshServer.Posh;

/// <summary>
/// The route template of an endpoint answered ahead of routing, for what reads it from the endpoint after the
/// request: the request-duration metric's <c>http.route</c> tag and the trace's route.
/// </summary>
internal sealed record PoshRouteDiagnostics(string Route) : IRouteDiagnosticsMetadata;

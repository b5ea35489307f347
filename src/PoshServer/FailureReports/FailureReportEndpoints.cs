using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using PoshClient.Documents;
using PoshClient.Names;
using PoshServer.Metrics;
using PoshServer.Tenants;

namespace PoshServer.FailureReports;

/// <summary>
/// POST /posh-reports: verifiers report failed POSH verifications for our tenants (modelled on TLS-RPT, RFC 8460;
/// new for POSH). Small JSON bodies only, rate-limited per client address, accepted only for hosted domains.
/// </summary>
internal static class FailureReportEndpoints
{
    public const string RateLimitPolicy = "posh-reports";

    /// <summary>
    /// The endpoint, limited per client address by <see cref="RateLimitPolicy"/>: the pipeline must run
    /// <c>UseRateLimiter</c> after <c>UseRouting</c> (it reads the endpoint's policy).
    /// </summary>
    public static IEndpointRouteBuilder MapFailureReports(this IEndpointRouteBuilder app)
    {
        var path = app.ServiceProvider.GetRequiredService<IOptions<FailureReportsOptions>>().Value.Path;
        app.MapPost(path, (Delegate)ReceiveAsync).RequireRateLimiting(RateLimitPolicy);
        return app;
    }

    private static async Task<Results<Accepted, BadRequest<string>, NotFound<string>, StatusCodeHttpResult>> ReceiveAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<FailureReportsOptions>>().Value;
        var max = options.MaxBodyBytes;
        if (context.Request.ContentLength > max)
        {
            return TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        // Read at most max + 1 bytes whatever Content-Length says (chunked bodies have none).
        var buffer = new byte[max + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await context.Request.Body.ReadAsync(buffer.AsMemory(total), context.RequestAborted)) > 0)
        {
            total += read;
        }

        if (total > max)
        {
            return TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        FailureReport? report;
        try
        {
            report = JsonSerializer.Deserialize(buffer.AsSpan(0, total), FailureReportJsonContext.Default.FailureReport);
        }
        catch (JsonException ex)
        {
            return TypedResults.BadRequest("the body is not a failure report: " + ex.Message);
        }

        if (report is null || !DomainName.TryParseQualified(report.Domain, out var parsed))
        {
            return TypedResults.BadRequest("'domain' must be a DNS domain name");
        }

        var domain = parsed.Value;

        if (!PoshServiceNames.TryParse(report.Service, out var service))
        {
            return TypedResults.BadRequest("'service' must be xmpp-client or xmpp-server");
        }

        if (string.IsNullOrWhiteSpace(report.Outcome) || report.Outcome.Length > 64)
        {
            return TypedResults.BadRequest("'outcome' is required (at most 64 characters)");
        }

        if (!services.GetRequiredService<TenantStore>().Current.TryGetTenant(domain, out var tenant))
        {
            return TypedResults.NotFound("not a domain hosted here");
        }

        var presented = report.PresentedSha256 is { Length: > 0 and <= 64 } sha ? sha : null;
        var accepted = report with
        {
            Domain = domain,
            Service = service.Value.ToName(),
            Outcome = report.Outcome,
            Reason = Truncate(report.Reason, 2000),
            Reporter = Truncate(report.Reporter, 200),
            PresentedSha256 = presented,
            ReceivedAt = services.GetRequiredService<TimeProvider>().GetUtcNow(),
            PresentedIsPublished = presented is null ? null : tenant.Certificates.Any(c => string.Equals(c.Sha256, presented, StringComparison.Ordinal)),
        };
        services.GetRequiredService<FailureReportStore>().Add(accepted);

        // The outcome label is free text from the reporter: bucket it to keep the series bounded.
        services.GetRequiredService<PoshMetrics>().FailureReportReceived(accepted.Service, BoundedOutcome(accepted.Outcome));
        FailureReportsLog.Received(
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(FailureReportEndpoints).FullName!),
            domain, accepted.Service, accepted.Outcome, accepted.Reporter ?? "(anonymous)", presented ?? "-", accepted.PresentedIsPublished, accepted.Reason ?? "-");
        return TypedResults.Accepted((string?)null);
    }

    private static string BoundedOutcome(string outcome) => outcome switch
    {
        "Mismatch" or "CertificateNotValidNow" or "InvalidMaterial" or "NoPoshMaterial" => outcome,
        _ => "other",
    };

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max] + "…";
}

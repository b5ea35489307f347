using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PoshServer.Health;

/// <summary>
/// Writes a health report as JSON, as every other response of the public listener is: the overall status and each
/// check's status by name, e.g. <c>{"status":"Degraded","checks":{"tenants":"Degraded"}}</c>. No descriptions or
/// exceptions: the endpoint is public, and the admin status page and the logs say why. Status codes stay those of
/// the health check middleware (200 Healthy and Degraded, 503 Unhealthy), which probes rely on.
/// </summary>
internal static class HealthJsonWriter
{
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            json.WriteString(name, entry.Status.ToString());
        }

        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Text;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using PoshClient.Documents;
using PoshClient.Names;
using PoshServer.Tenants;

namespace PoshServer.Posh;

/// <summary>
/// The POSH HTTP surface. Every handler is one lookup in the current snapshot plus a write of precomputed bytes.
/// Routing is strictly by Host: an unknown host gets 404, never a default tenant.
/// </summary>
internal static class PoshEndpoints
{
    // RFC 7711 §6: servers SHOULD send a very short lifetime; clients rely on the document's expires, not HTTP caching.
    private static readonly StringValues s_cacheControl = new("max-age=60");
    private static readonly StringValues s_json = new("application/json");
    private static readonly string[] s_methods = [HttpMethods.Get, HttpMethods.Head];

    public static IEndpointRouteBuilder MapPosh(this IEndpointRouteBuilder app)
    {
        // RFC 7711 §3 step 1, §8: /.well-known/posh/{service}.json on the source domain's origin.
        app.MapMethods("/.well-known/posh/{file}", s_methods, ServeWellKnown);

        // RFC 7711 §3.2: a reference's url "need not be" a well-known URI. A per-tenant URL lets removing the
        // tenant (or disabling it) end its delegation with a 404 (S-16).
        app.MapMethods("/posh/{domain}/{file}", s_methods, ServeTenantDocument);
        app.MapMethods("/posh/{domain}/reference/{file}", s_methods, ServeReference);
        app.MapMethods("/posh/{domain}/setup", s_methods, ServeSetupGuide);
        return app;
    }

    private static Task ServeWellKnown(HttpContext context)
    {
        var services = context.RequestServices;
        if (!TryParseFile(context, out var service))
        {
            return NotFound(context);
        }

        var host = Host(context);
        var snapshot = services.GetRequiredService<TenantStore>().Current;
        if (services.GetRequiredService<PoshHostNames>().Contains(host))
        {
            return Counted(context, service.Value, Write(context, snapshot.DefaultSet?.Document));
        }

        return Counted(context, service.Value, Write(context, snapshot.TryGetTenant(host, out var tenant) ? tenant.DocumentFor(service.Value) : null));
    }

    private static Task ServeTenantDocument(HttpContext context)
    {
        if (!TryParseFile(context, out var service) || !TryGetTenantOnHosterName(context, out var tenant))
        {
            return NotFound(context);
        }

        return Counted(context, service.Value, Write(context, tenant.DocumentFor(service.Value)));
    }

    /// <summary>Counts the answer (Write sets the status before it returns), for the documents-served metric.</summary>
    private static Task Counted(HttpContext context, PoshService service, Task written)
    {
        context.RequestServices.GetService<Metrics.PoshMetrics>()?.DocumentServed(service.ToName(), context.Response.StatusCode);
        return written;
    }

    private static Task ServeReference(HttpContext context)
    {
        if (!TryParseFile(context, out var service) || !TryGetTenantOnHosterName(context, out var tenant))
        {
            return NotFound(context);
        }

        // The exact bytes the tenant saves as /.well-known/posh/<service>.json in its web root.
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{service.Value.ToName()}.json\"";
        return Write(context, tenant.ReferenceFor(service.Value));
    }

    private static Task ServeSetupGuide(HttpContext context)
    {
        if (!TryGetTenantOnHosterName(context, out var tenant) || tenant.Tenant.Disabled)
        {
            return NotFound(context);
        }

        var guide = context.RequestServices.GetRequiredService<TenantSetupGuide>().Render(tenant);
        var body = Encoding.UTF8.GetBytes(guide);
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = s_cacheControl;
        context.Response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.Body.WriteAsync(body).AsTask();
    }

    private static bool TryGetTenantOnHosterName(HttpContext context, [NotNullWhen(true)] out TenantEntry? tenant)
    {
        tenant = null;
        var services = context.RequestServices;
        return services.GetRequiredService<PoshHostNames>().Contains(Host(context))
            && context.Request.RouteValues["domain"] is string domain
            && DomainName.TryParse(domain, out var name)
            && services.GetRequiredService<TenantStore>().Current.TryGetTenant(name.Value, out tenant);
    }

    private static bool TryParseFile(HttpContext context, [NotNullWhen(true)] out PoshService? service)
    {
        service = null;
        return context.Request.RouteValues["file"] is string file
            && file.EndsWith(".json", StringComparison.Ordinal)
            && PoshServiceNames.TryParse(file[..^5], out service);
    }

    /// <summary>The Host header's name without port or trailing dot (a FQDN with a dot is the same host).</summary>
    /// <remarks>
    /// Read from the raw header, not <c>Request.Host</c>: that decodes "xn--" labels to Unicode (IdnMapping), which
    /// throws on an invalid A-label such as "xn--.example" (a 500 for anyone who sends it) and turns a valid one into
    /// a U-label, while tenants are keyed by A-labels (RFC 5890 §2.3.2.1), so IDN tenants answered 404. It is not
    /// parsed as a <see cref="DomainName"/> on this hot path: the wire carries the A-label, and both the hoster names and
    /// the tenants are keys in that form compared ignoring case, so a name in any other form simply is not found.
    /// </remarks>
    private static string Host(HttpContext context)
    {
        var host = new HostString(context.Request.Headers.Host.ToString()).Host;
        return host.EndsWith('.') ? host[..^1] : host;
    }

    private static Task Write(HttpContext context, PoshResponse? document)
    {
        if (document is null)
        {
            return NotFound(context);
        }

        var response = context.Response;
        response.Headers.CacheControl = s_cacheControl;
        response.Headers.ETag = document.ETag;
        if (Matches(context.Request.Headers.IfNoneMatch, document.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.Headers.ContentType = s_json;
        response.ContentLength = document.ContentLength;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(document.Body).AsTask();
    }

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.Headers.CacheControl = s_cacheControl;
        return Task.CompletedTask;
    }

    /// <summary>If-None-Match uses the weak comparison (RFC 9110 §13.1.2): W/"x" matches "x", and * matches any.</summary>
    private static bool Matches(StringValues ifNoneMatch, string etag)
    {
        if (StringValues.IsNullOrEmpty(ifNoneMatch))
        {
            return false;
        }

        if (!EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags))
        {
            return false;
        }

        foreach (var tag in tags)
        {
            if (tag.Equals(EntityTagHeaderValue.Any) || tag.Tag.Equals(etag, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

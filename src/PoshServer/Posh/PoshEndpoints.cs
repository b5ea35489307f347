using System.Diagnostics.CodeAnalysis;
using System.Text;
using Microsoft.AspNetCore.Routing.Patterns;
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
    private const string WellKnownPrefix = "/.well-known/posh/";
    private const string WellKnownTemplate = WellKnownPrefix + "{file}";
    private const string XmppClientFile = PoshServiceNames.XmppClient + ".json";
    private const string XmppServerFile = PoshServiceNames.XmppServer + ".json";

    /// <summary>
    /// Answers GET and HEAD of <c>/.well-known/posh/{file}</c> ahead of routing and the rate limiter (issue 9): it is the
    /// request every peer makes (RFC 7711 §3), and here it costs one prefix test, where routing cost a matcher pass, a
    /// route-value dictionary and three service lookups per request. Anything else (another method, which routing
    /// answers 405; another spelling of the path) goes on to the mapped endpoint, which answers the same way.
    /// </summary>
    public static IApplicationBuilder UsePoshWellKnown(this IApplicationBuilder app)
    {
        // What routing would have set: the request metrics and traces label the request with its route template.
        var endpoint = new RouteEndpoint(
            ServeWellKnown, RoutePatternFactory.Parse(WellKnownTemplate), 0, new EndpointMetadataCollection(new PoshRouteDiagnostics(WellKnownTemplate)), "POSH well-known document");
        return app.Use(next =>
        {
            // Resolved when the pipeline is built, as the server starts: options are validated by then, so a bad
            // setting is reported with the others by the start-up checks rather than thrown from here.
            var services = app.ApplicationServices;
            var store = services.GetRequiredService<TenantStore>();
            var hostNames = services.GetRequiredService<PoshHostNames>();
            var metrics = services.GetService<Metrics.PoshMetrics>();
            return context => Answer(context, next, endpoint, store, hostNames, metrics);
        });
    }

    public static IEndpointRouteBuilder MapPosh(this IEndpointRouteBuilder app)
    {
        // RFC 7711 §3 step 1, §8: /.well-known/posh/{service}.json on the source domain's origin.
        app.MapMethods(WellKnownTemplate, s_methods, ServeWellKnown);

        // RFC 7711 §3.2: a reference's url "need not be" a well-known URI. A per-tenant URL lets removing the
        // tenant (or disabling it) end its delegation with a 404 (S-16).
        app.MapMethods("/posh/{domain}/{file}", s_methods, ServeTenantDocument);
        app.MapMethods("/posh/{domain}/reference/{file}", s_methods, ServeReference);
        app.MapMethods("/posh/{domain}/setup", s_methods, ServeSetupGuide);
        return app;
    }

    private static Task Answer(HttpContext context, RequestDelegate next, Endpoint endpoint, TenantStore store, PoshHostNames hostNames, Metrics.PoshMetrics? metrics)
    {
        var request = context.Request;
        if (request.Path.Value is { } path
            && path.StartsWith(WellKnownPrefix, StringComparison.Ordinal)
            && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            && TryParseFile(path.AsSpan(WellKnownPrefix.Length), out var service))
        {
            context.SetEndpoint(endpoint);
            return ServeWellKnown(context, service, store, hostNames, metrics);
        }

        return next(context);
    }

    private static Task ServeWellKnown(HttpContext context)
    {
        var services = context.RequestServices;
        return TryParseFile(context, out var service)
            ? ServeWellKnown(context, service, services.GetRequiredService<TenantStore>(), services.GetRequiredService<PoshHostNames>(), services.GetService<Metrics.PoshMetrics>())
            : NotFound(context);
    }

    private static Task ServeWellKnown(HttpContext context, PoshService service, TenantStore store, PoshHostNames hostNames, Metrics.PoshMetrics? metrics)
    {
        var host = Host(context);
        var snapshot = store.Current;
        var written = hostNames.Contains(host)
            ? Write(context, snapshot.DefaultSet?.Document)
            : Write(context, snapshot.TryGetTenant(host, out var tenant) ? tenant.DocumentFor(service) : null);
        // Write has set the status before it returns.
        metrics?.DocumentServed(service.ToName(), context.Response.StatusCode);
        return written;
    }

    private static Task ServeTenantDocument(HttpContext context)
    {
        if (!TryParseFile(context, out var service) || !TryGetTenantOnHosterName(context, out var tenant))
        {
            return NotFound(context);
        }

        var written = Write(context, tenant.DocumentFor(service));
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
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{service.ToName()}.json\"";
        return Write(context, tenant.ReferenceFor(service));
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

    private static bool TryParseFile(HttpContext context, out PoshService service)
    {
        service = default;
        return context.Request.RouteValues["file"] is string file && TryParseFile(file, out service);
    }

    /// <summary>The service's document file name, <c>{service}.json</c>; names are lower case (RFC 7711 §8).</summary>
    private static bool TryParseFile(ReadOnlySpan<char> file, out PoshService service)
    {
        switch (file)
        {
            case XmppClientFile:
                service = PoshService.XmppClient;
                return true;
            case XmppServerFile:
                service = PoshService.XmppServer;
                return true;
            default:
                service = default;
                return false;
        }
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

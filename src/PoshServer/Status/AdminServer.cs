using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PoshServer.Metrics;

namespace PoshServer.Status;

/// <summary>
/// The admin listener: its own small Kestrel server, separate from the public one, so nothing of the public
/// pipeline (HTTPS redirect, POSH routes, rate limits) applies to it and its pages can never be reached on the
/// public ports. Read-only: GET / (HTML), /api/status (JSON), /metrics (Prometheus). A port that is taken is
/// logged and POSH serving continues.
/// </summary>
internal sealed class AdminServer(
    IOptions<AdminOptions> options,
    StatusReportBuilder reports,
    PrometheusExporter exporter,
    ILogger<AdminServer> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;
    private Action<IApplicationBuilder>? _pipeline;

    /// <summary>The bound address (after start), e.g. http://127.0.0.1:9090.</summary>
    public Uri? Address { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var admin = options.Value;
        // The validator has already rejected an unparseable address at start-up.
        if (!admin.Enabled || !AdminOptionsValidator.TryParseAddress(admin.Address, out var address))
        {
            return;
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 0;
            kestrel.Listen(address, admin.Port);
        });
        var app = builder.Build();
        (_pipeline ?? DefaultPipeline)(app);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            StatusLog.ListenFailed(logger, $"{admin.Address}:{admin.Port}", ex.Message);
            await app.DisposeAsync();
            return;
        }

        _app = app;
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Address = new Uri(bound.Replace("[::]", "localhost", StringComparison.Ordinal));
        StatusLog.Listening(logger, bound);
    }

    /// <summary>Sets the admin listener's pipeline (before the host starts); <c>PoshServerApp</c> composes it with <c>MapAdminListener</c>.</summary>
    public void Compose(Action<IApplicationBuilder> pipeline) => _pipeline = pipeline;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            await app.DisposeAsync();
        }
    }

    /// <summary>The pipeline <c>MapAdminListener</c> composes, for hosts that do not compose one.</summary>
    private void DefaultPipeline(IApplicationBuilder app)
    {
        app.Use(RequireTokenAndReadOnlyAsync);
        app.Run(ServeAsync);
    }

    /// <summary>Every admin response is uncacheable; without the bearer token (when one is set) 401, and only GET and HEAD.</summary>
    public Task RequireTokenAndReadOnlyAsync(HttpContext context, RequestDelegate next)
    {
        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        if (!Authorized(context.Request))
        {
            response.StatusCode = StatusCodes.Status401Unauthorized;
            response.Headers.WWWAuthenticate = "Bearer";
            return Task.CompletedTask;
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "GET, HEAD";
            return Task.CompletedTask;
        }

        return next(context);
    }

    /// <summary>GET / (HTML status page; query string: <see cref="StatusPageQuery"/>), /api/status (JSON), /metrics (Prometheus text); anything else 404.</summary>
    public async Task ServeAsync(HttpContext context)
    {
        var response = context.Response;
        var (contentType, body) = context.Request.Path.Value switch
        {
            "/" or "/status" => ("text/html; charset=utf-8", await PageAsync(context)),
            "/api/status" => ("application/json; charset=utf-8", JsonSerializer.SerializeToUtf8Bytes(await reports.BuildAsync(context.RequestAborted), StatusJsonContext.Default.StatusReport)),
            "/metrics" => ("text/plain; version=0.0.4; charset=utf-8", Encoding.UTF8.GetBytes(exporter.Scrape())),
            _ => (null, null),
        };
        if (body is null)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        // The page is self-contained: forbid anything it does not need.
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'";
        response.Headers.XContentTypeOptions = "nosniff";
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(body, context.RequestAborted);
        }
    }

    /// <summary>The status page for the query string (search, filter, page, one tenant); 404 for a tenant that does not exist.</summary>
    private async Task<byte[]> PageAsync(HttpContext context)
    {
        var (html, found) = StatusPage.Render(await reports.BuildAsync(context.RequestAborted), StatusPageQuery.From(context.Request.Query));
        if (!found)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        }

        return Encoding.UTF8.GetBytes(html);
    }

    private bool Authorized(HttpRequest request)
    {
        if (options.Value.BearerToken is not { Length: > 0 } token)
        {
            return true;
        }

        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        if (!header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[prefix.Length..].Trim()), Encoding.UTF8.GetBytes(token));
    }
}

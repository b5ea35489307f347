using PoshServer.Acme;
using PoshServer.Cluster;
using PoshServer.FailureReports;
using PoshServer.Health;
using PoshServer.Https;
using PoshServer.Lookups;
using PoshServer.Metrics;
using PoshServer.Posh;
using PoshServer.Rotation;
using PoshServer.Status;
using PoshServer.Telemetry;
using PoshServer.TenantChecks;
using PoshServer.Tenants;

namespace PoshServer;

/// <summary>
/// Composition of the server: the services of each feature and the request pipeline, in the order a request
/// meets them. Program.cs (the command line) and the tests build the app through here.
/// </summary>
internal static class PoshServerApp
{
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json ships next to the binary; tenant paths resolve against the working directory.
            ContentRootPath = AppContext.BaseDirectory,
        });

        // Services, one AddXxx per feature. Tenants first: most features read its snapshot.
        builder.Services.AddTenants();
        builder.Services.AddCluster();
        builder.Services.AddHttps();
        builder.Services.AddPosh();
        builder.Services.AddPoshHealthChecks();

        // ACME names: the configured ones plus tenants that opted in (never whatever SNI a client sends).
        builder.Services.AddAcme(builder.Configuration, services =>
        {
            var tenants = services.GetRequiredService<TenantAcmeDomains>();
            return new AcmeTenantNames(() => tenants.Current, tenants.GetChangeToken);
        });
        builder.Services.AddRotation();
        builder.Services.AddLookups();
        builder.Services.AddTenantChecks();
        builder.Services.AddFailureReports();
        builder.Services.AddPoshMetrics();
        builder.Services.AddPoshTelemetry(builder.Configuration);
        builder.Services.AddAdmin();
        return builder;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();

        // The public pipeline, in the order a request meets it.
        // 1. Plain HTTP only answers ACME challenges (RFC 8555 §8.3, before any redirect); everything else goes to HTTPS
        //    (POSH is HTTPS only, RFC 7711 §3).
        app.MapAcmeChallenges();
        app.UseHttpsRedirectionExceptAcmeChallenges();

        // 2. The request every peer makes, GET /.well-known/posh/{service}.json, is answered here, ahead of routing.
        app.UsePoshWellKnown();

        // 3. Routing picks the endpoint; the rate limiter then applies the endpoint's policy (failure reports only).
        app.UseRouting();
        app.UseRateLimiter();

        // 4. Endpoints: POSH documents (the rest of them), health, failure reports.
        app.MapPosh();
        app.MapPoshHealthChecks();
        app.MapFailureReports();

        // The admin listener: a second Kestrel with its own pipeline (status page, status API, /metrics).
        app.MapAdminListener();
        return app;
    }
}

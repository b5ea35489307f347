using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PoshServer.Health;

internal static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddPoshHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<TenantsHealthCheck>("tenants", tags: [ReadyTag]);
        return services;
    }

    /// <summary>/healthz/live: the process answers. /healthz/ready and /healthz: every readiness check.</summary>
    public static IEndpointRouteBuilder MapPoshHealthChecks(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) });
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) });
        return app;
    }
}

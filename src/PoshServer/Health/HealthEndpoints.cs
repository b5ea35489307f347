using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PoshServer.Health;

internal static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    /// <summary>The health check service's own category: it logs every non-healthy check on every probe.</summary>
    private const string HealthCheckServiceCategory = "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService";

    public static IServiceCollection AddPoshHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<TenantsHealthCheck>("tenants", tags: [ReadyTag]);
        services.AddSingleton<HealthStateLog>();

        // State changes are logged by HealthStateLog (with the check's exception, if any) instead.
        services.Configure<LoggerFilterOptions>(filters => filters.AddFilter(HealthCheckServiceCategory, LogLevel.None));
        return services;
    }

    /// <summary>/healthz/live: the process answers. /healthz/ready and /healthz: every readiness check. JSON (<see cref="HealthJsonWriter"/>).</summary>
    public static IEndpointRouteBuilder MapPoshHealthChecks(this IEndpointRouteBuilder app)
    {
        var states = app.ServiceProvider.GetRequiredService<HealthStateLog>();
        Task Write(HttpContext context, HealthReport report)
        {
            states.Observe(report);
            return HealthJsonWriter.WriteAsync(context, report);
        }

        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = Write });
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = Write });
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = Write });
        return app;
    }
}

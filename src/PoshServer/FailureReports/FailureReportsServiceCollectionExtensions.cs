using System.Globalization;
using Microsoft.Extensions.Options;
using PoshServer.Cluster;

namespace PoshServer.FailureReports;

internal static class FailureReportsServiceCollectionExtensions
{
    /// <summary>The report store and the per-address rate limit policy the endpoint requires (<c>FailureReports</c> options).</summary>
    public static IServiceCollection AddFailureReports(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<FailureReportsOptions>().BindConfiguration(FailureReportsOptions.Section).ValidateDataAnnotations();
        services.AddCluster();
        services.AddSingleton<FailureReportStore>();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (rejected, _) =>
            {
                if (rejected.Lease.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var retryAfter))
                {
                    rejected.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                return ValueTask.CompletedTask;
            };
            limiter.AddPolicy(FailureReportEndpoints.RateLimitPolicy, context =>
            {
                var permits = context.RequestServices.GetRequiredService<IOptions<FailureReportsOptions>>().Value.PermitsPerMinute;
                // Bounded: at most FailureReportRateLimitPartition.Buckets limiters, whatever addresses peers use (issue 14).
                return System.Threading.RateLimiting.RateLimitPartition.GetFixedWindowLimiter(
                    FailureReportRateLimitPartition.For(context.Connection.RemoteIpAddress),
                    _ => new System.Threading.RateLimiting.FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
        });
        return services;
    }
}

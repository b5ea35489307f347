using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PoshServer.Cluster;

namespace PoshServer.Rotation;

internal static class RotationServiceCollectionExtensions
{
    /// <summary>Rotation of certificate sets: first-published times, safe-at, automatic switch, retirement.</summary>
    public static IServiceCollection AddRotation(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<RotationOptions>().BindConfiguration(RotationOptions.Section).ValidateDataAnnotations();
        services.AddCluster();
        services.AddSingleton(provider => new ClusterFileArea { Prefix = RotationStateStore.StateKey, Path = provider.GetRequiredService<IOptions<RotationOptions>>().Value.ResolveStatePath() });
        services.TryAddSingleton<RotationStateStore>();
        services.TryAddSingleton<RotationSwitcher>();
        services.TryAddSingleton<RotationCoordinator>();
        services.AddHostedService<RotationService>();
        return services;
    }
}

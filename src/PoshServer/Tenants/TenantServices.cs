using System.Collections.Immutable;
using PoshClient.Documents;

namespace PoshServer.Tenants;

/// <summary>
/// The lists of services a tenant can offer, one instance each: with two services there are four lists, and every
/// tenant holds one of them instead of an array of its own (100,000 arrays at 100,000 tenants).
/// </summary>
internal static class TenantServices
{
    /// <summary>Both services, in the order <see cref="PoshServiceNames.All"/> gives: what a tenant without <c>services</c> offers.</summary>
    public static readonly ImmutableArray<PoshService> All = [.. PoshServiceNames.All];

    private static readonly ImmutableArray<PoshService>[] s_lists =
        [All, [.. All.Reverse()], .. All.Select(service => ImmutableArray.Create(service))];

    /// <summary>The shared list with the same services in the same order; <paramref name="services"/> itself if there is none.</summary>
    public static ImmutableArray<PoshService> Shared(ImmutableArray<PoshService> services)
    {
        foreach (var list in s_lists)
        {
            if (list.AsSpan().SequenceEqual(services.AsSpan()))
            {
                return list;
            }
        }

        return services;
    }
}

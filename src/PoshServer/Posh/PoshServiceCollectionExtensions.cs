namespace PoshServer.Posh;

internal static class PoshServiceCollectionExtensions
{
    /// <summary>
    /// What the POSH endpoints read besides the tenant snapshot: the hoster's own names and the set-up guide.
    /// (<c>Posh</c> options are registered by <c>AddTenants</c>, which builds the documents from them.)
    /// </summary>
    public static IServiceCollection AddPosh(this IServiceCollection services)
    {
        services.AddSingleton<PoshHostNames>();
        services.AddSingleton<TenantSetupGuide>();
        return services;
    }
}

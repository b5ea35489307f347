namespace PoshServer.Cli;

/// <summary>Process exit codes, stable for scripts.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Tenant files have errors (validate, or serve refusing to start).</summary>
    public const int InvalidTenants = 1;

    /// <summary>A named tenant, certificate or file does not exist.</summary>
    public const int NotFound = 2;

    /// <summary>appsettings/environment configuration is invalid.</summary>
    public const int InvalidConfiguration = 3;
}

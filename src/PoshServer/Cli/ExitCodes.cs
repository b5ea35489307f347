namespace PoshServer.Cli;

/// <summary>
/// Process exit codes, stable for scripts: the one definition every command uses. README's "Exit codes" table lists
/// exactly these (a test compares them). When <c>serve</c> finds problems of several kinds at start-up it prints them
/// all and exits with the code of the first kind in this order: configuration, certificate, tenants, bind.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Done; for <c>check</c> the certificate was accepted, for <c>tenants check</c> no tenant fails.</summary>
    public const int Success = 0;

    /// <summary>Tenant files have errors (<c>tenants validate</c>, or <c>serve</c> and <c>export</c> refusing to start).</summary>
    public const int InvalidTenants = 1;

    /// <summary>A named tenant, certificate or file does not exist.</summary>
    public const int NotFound = 2;

    /// <summary>Configuration (appsettings.json, environment, <c>--Section:Key=value</c>, a command's option value) is invalid.</summary>
    public const int InvalidConfiguration = 3;

    /// <summary>A check failed: <c>check</c> rejected the certificate or could not connect; <c>tenants check</c> found a failing tenant.</summary>
    public const int CheckFailed = 4;

    /// <summary>An HTTPS certificate or key file cannot be loaded at start-up.</summary>
    public const int CertificateProblem = 5;

    /// <summary>A listener cannot bind its address (in use, not an address of this machine, or a privileged port).</summary>
    public const int BindFailed = 6;

    /// <summary>The command line itself is wrong: an unknown command or option, or a missing argument (sysexits EX_USAGE).</summary>
    public const int Usage = 64;
}

using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PoshServer;

namespace PoshTesting;

/// <summary>
/// The server's services composed by <see cref="PoshServerApp"/> over a tenants directory, built and loaded but not
/// started (no listener): a test drives the features directly. Nothing reaches outside the test: no admin listener,
/// no background tenant checks (they would resolve names on the machine's DNS). The in-process PoshServer part of
/// <see cref="XmppWorld"/>.
/// </summary>
internal static class InProcessPoshServer
{
    public const string HosterName = "posh.hosting.test";

    /// <summary>Builds the app; throws with every problem when the tenants do not load.</summary>
    /// <param name="tenantsDirectory">The tenants directory.</param>
    /// <param name="statePath">The rotation state file.</param>
    /// <param name="configureServices">Replaces services (clock, DNS, verifier) before the app is built.</param>
    /// <param name="extraArgs">More configuration, as command-line arguments.</param>
    public static WebApplication Build(string tenantsDirectory, string statePath, Action<IServiceCollection>? configureServices = null, params string[] extraArgs)
    {
        var builder = PoshServerApp.CreateBuilder(
        [
            $"--Tenants:Directory={tenantsDirectory}",
            $"--Rotation:StatePath={statePath}",
            "--Admin:Enabled=false",
            "--TenantChecks:Background=false",
            $"--Posh:HostNames:0={HosterName}",
            $"--Posh:PublicBaseUrl=https://{HosterName}",
            "--Logging:LogLevel:Default=Warning",
            .. extraArgs,
        ]);
        configureServices?.Invoke(builder.Services);
        var app = PoshServerApp.Build(builder);
        var problems = TestStartup.LoadBeforeStart(app);
        if (problems.Count > 0)
        {
            ((IDisposable)app).Dispose();
            throw new InvalidOperationException("The tenants did not load:\n" + string.Join('\n', problems));
        }

        return app;
    }
}

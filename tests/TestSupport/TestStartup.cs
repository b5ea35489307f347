using Microsoft.AspNetCore.Builder;
using PoshServer.Cli;

namespace PoshTesting;

/// <summary>
/// What <c>serve</c> runs before it listens (<see cref="StartupCheck"/>), for an app a test builds itself. The
/// listeners are the test's own, on ports it picked, so they are not probed.
/// </summary>
internal static class TestStartup
{
    /// <summary>Loads tenants and HTTPS certificates; returns every problem that would stop <c>serve</c>, one line each.</summary>
    public static IReadOnlyList<string> LoadBeforeStart(WebApplication app) =>
        [.. StartupCheck.RunAsync(app, probeListeners: false, CancellationToken.None).GetAwaiter().GetResult().Select(p => p.ToString())];
}

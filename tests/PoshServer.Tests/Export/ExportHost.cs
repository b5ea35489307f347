using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PoshServer.Export;
using PoshServer.Tenants;

namespace PoshServer.Tests.Export;

/// <summary>The server's services for a tenants directory, configured as <c>export</c> builds them, with the first load done; nothing listens.</summary>
internal sealed class ExportHost : IAsyncDisposable
{
    public const string HosterName = PoshServerHost.HosterName;

    private readonly WebApplication _app;

    private ExportHost(WebApplication app)
    {
        _app = app;
        Store = app.Services.GetRequiredService<TenantStore>();
        Layout = ActivatorUtilities.CreateInstance<StaticExportLayout>(app.Services);
        Exporter = StaticExporter.Create(app.Services);
    }

    public TenantStore Store { get; }

    public StaticExportLayout Layout { get; }

    public StaticExporter Exporter { get; }

    public static ExportHost Start(string tenantsDirectory, params string[] extraArgs)
    {
        string[] args =
        [
            $"--Tenants:Directory={tenantsDirectory}",
            "--Tenants:ReloadDebounce=00:00:00.050",
            // Configuration lists merge by index: both of appsettings.json's names become the test's one hoster name.
            $"--Posh:HostNames:0={HosterName}",
            $"--Posh:HostNames:1={HosterName}",
            $"--Posh:PublicBaseUrl=https://{HosterName}",
            "--Logging:LogLevel:Default=Warning",
            .. extraArgs,
        ];
        var host = new ExportHost(PoshServerApp.CreateBuilder(args).Build());
        var result = host.Store.LoadInitial();
        Assert.False(result.HasErrors, string.Join('\n', result.Errors));
        return host;
    }

    public TenantReloadService CreateReloads() => StaticExporter.CreateReloads(_app.Services);

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

using PoshTesting;

namespace PoshServer.Tests;

/// <summary>
/// The real server (real Kestrel, real TLS with SNI) on loopback ports chosen by the OS, pointed at a test
/// tenants directory. Clients connect to 127.0.0.1 whatever host name they ask for, so Host and SNI stay the
/// tenant's name.
/// </summary>
internal sealed class PoshServerHost : IAsyncDisposable
{
    public const string HosterName = "posh.hosting.test";

    private readonly WebApplication _app;
    private readonly TempDirectory _state;

    private PoshServerHost(WebApplication app, TempDirectory state, int httpsPort, int httpPort)
    {
        _app = app;
        _state = state;
        HttpsPort = httpsPort;
        HttpPort = httpPort;
    }

    public int HttpsPort { get; }

    public int HttpPort { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<PoshServerHost> StartAsync(string tenantsDirectory, TimeProvider? timeProvider = null, params string[] extraArgs)
    {
        var state = new TempDirectory("posh-state-");
        string[] args =
        [
            $"--Tenants:Directory={tenantsDirectory}",
            "--Tenants:ReloadDebounce=00:00:00.050",
            "--Https:Address=127.0.0.1",
            "--Https:Port=0",
            "--Https:HttpPort=0",
            "--Https:PublicPort=443",
            $"--Posh:HostNames:0={HosterName}",
            $"--Posh:PublicBaseUrl=https://{HosterName}",
            "--Logging:LogLevel:Default=Warning",
            // Tests that need the admin listener or rotation state enable or place them explicitly.
            "--Admin:Enabled=false",
            // Background tenant checks would resolve tenant names on the machine's DNS: tests stay on loopback.
            "--TenantChecks:Background=false",
            $"--Rotation:StatePath={state.Combine("rotation-state.json")}",
            $"--Tenants:ParseCacheFile={state.Combine("tenant-parse-cache.bin")}",
            .. extraArgs,
        ];
        var builder = PoshServerApp.CreateBuilder(args);
        if (timeProvider is not null)
        {
            builder.Services.AddSingleton(timeProvider);
        }

        var app = PoshServerApp.Build(builder);
        var problems = TestStartup.LoadBeforeStart(app);
        if (problems.Count > 0)
        {
            await app.DisposeAsync();
            state.Dispose();
            throw new InvalidOperationException("The server refused to start:\n" + string.Join('\n', problems));
        }

        await app.StartAsync();
        var addresses = app.Urls;
        var https = new Uri(addresses.First(a => a.StartsWith("https:", StringComparison.Ordinal))).Port;
        var http = new Uri(addresses.First(a => a.StartsWith("http:", StringComparison.Ordinal))).Port;
        return new PoshServerHost(app, state, https, http);
    }

    /// <summary>A client that reaches this server for any host name (SNI and Host = the URL's host). The dev certificate is accepted.</summary>
    public HttpClient CreateClient(Version? version = null)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var port = context.DnsEndPoint.Port == 80 ? HttpPort : HttpsPort;
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        return new HttpClient(handler)
        {
            DefaultRequestVersion = version ?? HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _state.Dispose();
    }
}

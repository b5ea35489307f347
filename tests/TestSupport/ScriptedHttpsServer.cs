using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PoshTesting;

/// <summary>
/// A scripted HTTPS web server on 127.0.0.1:0 (real Kestrel, real TLS) for hostile-server tests: each
/// (host, path) answers with whatever the test scripts, unscripted paths answer 404. The certificate for each SNI
/// name comes from a test-supplied function, so a test can present an untrusted or misnamed certificate.
/// Clients reach it for any host name through <see cref="ConnectCallback"/>, which dials the loopback port.
/// </summary>
internal sealed class ScriptedHttpsServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, RequestDelegate> _routes = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _hits = new(StringComparer.OrdinalIgnoreCase);
    private WebApplication? _app;

    private ScriptedHttpsServer()
    {
    }

    public int Port { get; private set; }

    /// <summary>Dials 127.0.0.1:<see cref="Port"/> whatever host and port the request names.</summary>
    public Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectCallback => async (_, cancellationToken) =>
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    };

    /// <summary>Starts the server; <paramref name="certificateForHost"/> receives the SNI name (null without SNI).</summary>
    public static async Task<ScriptedHttpsServer> StartAsync(Func<string?, X509Certificate2> certificateForHost)
    {
        var server = new ScriptedHttpsServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
            listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificateSelector = (_, name) => certificateForHost(name) })));
        var app = builder.Build();
        app.Run(server.DispatchAsync);
        await app.StartAsync();
        server._app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Port = new Uri(address).Port;
        return server;
    }

    public void Map(string host, string path, RequestDelegate handler) => _routes[Key(host, path)] = handler;

    public void MapBody(string host, string path, string body, int status = 200) => MapBytes(host, path, Encoding.UTF8.GetBytes(body), status);

    public void MapBytes(string host, string path, byte[] body, int status = 200) => Map(host, path, async context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    });

    public void MapRedirect(string host, string path, string location, int status = 302) => Map(host, path, context =>
    {
        context.Response.StatusCode = status;
        context.Response.Headers.Location = location;
        return Task.CompletedTask;
    });

    /// <summary>How many requests reached (host, path).</summary>
    public int Hits(string host, string path) => _hits.TryGetValue(Key(host, path), out var count) ? count : 0;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(stop.Token);
            await _app.DisposeAsync();
        }
    }

    private static string Key(string host, string path) => host + path;

    private async Task DispatchAsync(HttpContext context)
    {
        var key = Key(context.Request.Host.Host, context.Request.Path.Value ?? "/");
        _hits.AddOrUpdate(key, 1, (_, count) => count + 1);
        if (!_routes.TryGetValue(key, out var handler))
        {
            context.Response.StatusCode = 404;
            return;
        }

        try
        {
            await handler(context);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client gave up (cap reached, budget spent): expected in hostile scenarios.
        }
    }
}

using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace PoshServer.Tests.Telemetry;

/// <summary>
/// A real OTLP/HTTP receiver on loopback (Kestrel): accepts protobuf posts to /v1/traces and /v1/metrics, answers
/// 200 with an empty (valid) Export*ServiceResponse, and keeps the bodies. Protobuf carries strings as UTF-8, so a span
/// or metric name can be found in the bytes without a protobuf parser.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Path, string? ContentType, byte[] Body)> _posts;

    private OtlpReceiver(WebApplication app, ConcurrentQueue<(string, string?, byte[])> posts, Uri url)
    {
        _app = app;
        _posts = posts;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<OtlpReceiver> StartAsync(IPAddress address)
    {
        var posts = new ConcurrentQueue<(string, string?, byte[])>();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, 0));
        var app = builder.Build();
        app.Run(async context =>
        {
            if (!HttpMethods.IsPost(context.Request.Method) || context.Request.Path.Value is not ("/v1/traces" or "/v1/metrics"))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            posts.Enqueue((context.Request.Path.Value, context.Request.ContentType, body.ToArray()));
            context.Response.ContentType = "application/x-protobuf";
        });
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new OtlpReceiver(app, posts, new Uri(bound));
    }

    /// <summary>True when a protobuf post to <paramref name="path"/> contains <paramref name="text"/>.</summary>
    public bool Received(string path, string text)
    {
        var needle = System.Text.Encoding.UTF8.GetBytes(text);
        return _posts.Any(p => p.Path == path && p.ContentType == "application/x-protobuf" && p.Body.AsSpan().IndexOf(needle) >= 0);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// KestrelFloor PORT CERT_PEM KEY_PEM DOCUMENT ETAG: answers every request on 127.0.0.1:PORT (HTTP/1.1 and HTTP/2 over
// TLS) with DOCUMENT's bytes and the headers PoshServer sends with a POSH document. No routing, no hosting
// diagnostics, no logging, no configuration sources: what is left is Kestrel, SslStream and the runtime, the part of
// PoshServer's CPU per request that its own code cannot remove.
var port = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
using var certificate = X509Certificate2.CreateFromPemFile(args[1], args[2]);
var body = File.ReadAllBytes(args[3]);
var etag = args[4];

var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = args });
builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Listen(IPAddress.Loopback, port, listen =>
    {
        listen.Protocols = HttpProtocols.Http1AndHttp2;
        listen.UseHttps(certificate);
    });
});
var app = builder.Build();
app.Run(context =>
{
    var response = context.Response;
    response.ContentType = "application/json";
    response.Headers.CacheControl = "max-age=60";
    response.Headers.ETag = etag;
    response.ContentLength = body.Length;
    return response.Body.WriteAsync(body).AsTask();
});
await app.RunAsync();

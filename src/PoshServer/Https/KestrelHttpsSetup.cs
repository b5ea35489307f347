using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

namespace PoshServer.Https;

/// <summary>
/// The two listeners: HTTPS with SNI selection from <see cref="HttpsCertificateStore"/> (one prebuilt
/// SslStreamCertificateContext per name: intermediates are sent and no chain is built per handshake), and plain
/// HTTP for ACME challenges and redirects. Limits are set for a public server that answers tiny documents.
/// </summary>
internal sealed class KestrelHttpsSetup(IOptions<HttpsOptions> options, HttpsCertificateStore store, OpenConnectionCounter connections) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions kestrel)
    {
        var https = options.Value;
        kestrel.AddServerHeader = false;

        // POSH requests are tiny GETs: keep headers small and slow clients short (issue: hardening).
        kestrel.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
        kestrel.Limits.MaxRequestLineSize = 4 * 1024;
        kestrel.Limits.MaxRequestBodySize = 64 * 1024;
        kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
        // Idle connections are what a peer can hold without sending anything: these two bound their memory (issue 13, item 7).
        kestrel.Limits.KeepAliveTimeout = https.KeepAliveTimeout;
        kestrel.Limits.MaxConcurrentConnections = https.MaxConnections;
        kestrel.Limits.Http2.MaxStreamsPerConnection = 100;

        var callbackOptions = new TlsHandshakeCallbackOptions
        {
            HandshakeTimeout = https.HandshakeTimeout,
            OnConnection = context =>
            {
                // RFC 6066 §3: choose the certificate by the SNI name; Select falls back (or returns null to abort).
                var certificate = store.Select(context.ClientHelloInfo.ServerName)
                    ?? throw new AuthenticationException($"no certificate for server name '{context.ClientHelloInfo.ServerName}'");

                // A fresh options object per connection: Kestrel fills in ALPN (h2, http/1.1) when it is left null.
                return ValueTask.FromResult(new SslServerAuthenticationOptions { ServerCertificateContext = certificate });
            },
        };

        Listen(kestrel, https.Address, https.Port, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(callbackOptions);
            // Counted once the handshake is done: handshakes that time out on a saturated core come and go in
            // thousands, and must not look like a crowd that has left (IdleMemoryReclaimer).
            listen.Use(CountConnections);
            if (https.ReleaseIdleTlsBuffers && TlsBufferRelease.IsSupported)
            {
                // Runs right after the handshake, before the first request is read: nothing else uses the stream yet.
                listen.Use(next => context =>
                {
                    if (context.Features.Get<ISslStreamFeature>()?.SslStream is { } ssl)
                    {
                        TlsBufferRelease.TryApply(ssl);
                    }

                    return next(context);
                });
            }
        });
        Listen(kestrel, https.Address, https.HttpPort, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            listen.Use(CountConnections);
        });
    }

    private ConnectionDelegate CountConnections(ConnectionDelegate next) => async context =>
    {
        connections.Opened();
        try
        {
            await next(context);
        }
        finally
        {
            connections.Closed();
        }
    };

    private static void Listen(KestrelServerOptions kestrel, string address, int port, Action<ListenOptions> configure)
    {
        if (address is "*" or "" or "0.0.0.0" or "::")
        {
            kestrel.ListenAnyIP(port, configure);
        }
        else if (string.Equals(address, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(port, configure);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(address), port, configure);
        }
    }
}

using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PoshServer.Acme;
using PoshServer.Https;
using PoshTesting;

namespace PoshServer.Tests.Acme;

/// <summary>
/// The PoshServer pieces ACME touches, on real Kestrel: the plain-HTTP listener on Pebble's http-01 port with
/// <c>MapAcmeChallenges</c>, and an HTTPS listener that selects from <see cref="HttpsCertificateStore"/> by SNI.
/// Stop and start it on the same storage to model a restart.
/// </summary>
internal sealed class AcmeTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly MeterListener _meters = new();
    private long _orders;

    private AcmeTestHost(WebApplication app, int httpsPort)
    {
        _app = app;
        HttpsPort = httpsPort;
        var factory = app.Services.GetRequiredService<IMeterFactory>();
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && string.Equals(instrument.Name, "poshserver.acme.orders", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _orders, value));
        _meters.Start();
    }

    public int HttpsPort { get; }

    /// <summary>New orders this host created (from the PoshServer.Acme meter).</summary>
    public long Orders => Interlocked.Read(ref _orders);

    public AcmeRenewalService Service => _app.Services.GetRequiredService<AcmeRenewalService>();

    public HttpsCertificateStore Certificates => _app.Services.GetRequiredService<HttpsCertificateStore>();

    public AcmeIssuer Issuer => _app.Services.GetRequiredService<AcmeIssuer>();

    public IServiceProvider Services => _app.Services;

    public static async Task<AcmeTestHost> StartAsync(
        PebbleServer pebble,
        string storagePath,
        TestAcmeNameSource names,
        TimeProvider timeProvider,
        TestAcmeHostResolver? resolver = null,
        IDictionary<string, string?>? settings = null,
        Action<AcmeIssuer>? configureIssuer = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = storagePath });
        var configuration = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Acme:Enabled"] = "true",
            ["Acme:DirectoryUrl"] = pebble.DirectoryUrl.AbsoluteUri,
            ["Acme:AcceptTermsOfService"] = "true",
            ["Acme:Contact:0"] = "mailto:hostmaster@example.test",
            ["Acme:StoragePath"] = storagePath,
            ["Acme:TrustedRootPath"] = pebble.TlsRootPemPath,
            ["Acme:ChallengePort"] = pebble.HttpPort.ToString(CultureInfo.InvariantCulture),
            ["Acme:IssuanceTimeout"] = "00:01:00",

            // Pebble rejects half of all nonces in these tests; 25 retries make a spurious failure ~3e-8 per request.
            ["Acme:BadNonceRetries"] = "25",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>(StringComparer.Ordinal))
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(timeProvider);
        builder.Services.AddSingleton<IAcmeNameSource>(names);
        builder.Services.AddSingleton<IAcmeHostResolver>(resolver ?? new TestAcmeHostResolver());
        builder.Services.AddAcme(builder.Configuration);

        // The store Kestrel selects from is the one ACME installs into, as in PoshServer.
        var store = new HttpsCertificateStore();
        builder.Services.AddSingleton(store);
        var httpsPort = FreePort.Tcp();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, pebble.HttpPort);
            kestrel.Listen(IPAddress.Loopback, httpsPort, listen => listen.UseHttps(new TlsHandshakeCallbackOptions
            {
                OnConnection = context => ValueTask.FromResult(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = store.Select(context.ClientHelloInfo.ServerName),
                }),
            }));
        });

        var app = builder.Build();
        configureIssuer?.Invoke(app.Services.GetRequiredService<AcmeIssuer>());
        app.MapAcmeChallenges();
        await app.StartAsync();
        return new AcmeTestHost(app, httpsPort);
    }

    /// <summary>
    /// Connects to the HTTPS listener with SNI <paramref name="hostName"/> and validates what is served against
    /// <paramref name="policy"/> (Pebble's root) using only the certificates the server sent; returns the leaf, or
    /// throws with the chain status.
    /// </summary>
    public async Task<X509Certificate2> FetchValidatedCertificateAsync(string hostName, X509ChainPolicy policy)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, HttpsPort);
        string? failure = null;
        await using var tls = new SslStream(client.GetStream());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await tls.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = hostName,
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                {
                    if (certificate is null || chain is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
                    {
                        failure = $"no certificate or name mismatch: {errors}";
                        return false;
                    }

                    using var custom = new X509Chain { ChainPolicy = policy.Clone() };
                    custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
                    using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                    if (!custom.Build(leaf))
                    {
                        failure = string.Join("; ", custom.ChainStatus.Select(s => s.StatusInformation));
                        return false;
                    }

                    return true;
                },
            },
            timeout.Token).ContinueWith(
                task => task.IsFaulted ? throw new InvalidOperationException($"TLS to {hostName} failed: {failure}", task.Exception) : task,
                TaskScheduler.Default).Unwrap();
        return X509CertificateLoader.LoadCertificate(tls.RemoteCertificate!.GetRawCertData());
    }

    public async ValueTask DisposeAsync()
    {
        _meters.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PoshClient.Verification;
using PoshTesting;

namespace PoshClient.Tests;

public sealed class PoshClientServiceCollectionExtensionsTests
{
    [Fact]
    public void AddPoshClient_Defaults_ResolvesSingletonVerifier()
    {
        // Arrange
        var services = new ServiceCollection().AddLogging().AddPoshClient();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        // Act
        var first = provider.GetRequiredService<PoshVerifier>();
        var second = provider.GetRequiredService<PoshVerifier>();

        // Assert
        Assert.Same(first, second);
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void AddPoshClient_WithDnsServers_ResolvesConnectorValidatorAndResolver()
    {
        // Arrange
        var services = new ServiceCollection().AddLogging().AddPoshClient(options => options.DnsServers.Add(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 5353)));
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        // Act
        var connector = provider.GetRequiredService<PoshClient.Xmpp.XmppConnector>();
        var validator = provider.GetRequiredService<PoshClient.Xmpp.PoshCertificateValidator>();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient(PoshVerifier.HttpClientName);

        // Assert
        Assert.Same(connector, provider.GetRequiredService<PoshClient.Xmpp.XmppConnector>());
        Assert.Same(validator, provider.GetRequiredService<PoshClient.Xmpp.PoshCertificateValidator>());
        Assert.NotNull(provider.GetRequiredService<PoshClient.Dns.DnsResolver>());
        Assert.NotNull(client);
    }

    [Fact]
    public async Task Issue14_VerifierHttpClient_FailedRequest_IsNotLoggedByTheClientFactoryHandlers()
    {
        // Arrange: a request that fails at once (nothing listens on that loopback port).
        var collector = new FakeLogCollector();
        var services = new ServiceCollection().AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(collector))).AddPoshClient();
        using var provider = services.BuildServiceProvider();
        using var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient(PoshVerifier.HttpClientName);
        var port = FreePort.Tcp(IPAddress.Parse("127.0.75.1"));

        // Act
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri($"http://127.0.75.1:{port}/.well-known/posh/xmpp-client.json")));

        // Assert: the verifier reports the failure in its result; the factory's handlers add nothing (they logged the
        // request twice and the failure twice with a stack trace, at Information).
        Assert.DoesNotContain(collector.GetSnapshot(), r => r.Category?.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void AddPoshClient_RegisteredTimeProvider_Kept()
    {
        // Arrange
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(time).AddPoshClient();
        using var provider = services.BuildServiceProvider();

        // Act
        var resolved = provider.GetRequiredService<TimeProvider>();

        // Assert
        Assert.Same(time, resolved);
    }

    [Fact]
    public void AddPoshClient_InvalidOptions_StartupValidationReportsEveryError()
    {
        // Arrange
        var services = new ServiceCollection().AddLogging().AddPoshClient(o =>
        {
            o.MaxRedirects = 20;
            o.LookupTimeout = TimeSpan.Zero;
            o.MaxCacheTime = TimeSpan.FromDays(30);
        });
        using var provider = services.BuildServiceProvider();

        // Act
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        // Assert
        Assert.Equal(3, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.Contains("MaxRedirects", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("LookupTimeout", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("MaxCacheTime", StringComparison.Ordinal));
    }

    [Fact]
    public void CreateHttpHandler_CustomRoots_NoRedirectsAndNoTrustAllCallback()
    {
        // Arrange
        using var authority = new TestCertificateAuthority();
        var options = new PoshClientOptions { WebChainPolicy = authority.CreateChainPolicy() };

        // Act
        using var handler = PoshVerifier.CreateHttpHandler(options);

        // Assert
        Assert.False(handler.AllowAutoRedirect);
        Assert.Null(handler.SslOptions.RemoteCertificateValidationCallback);
        Assert.NotNull(handler.SslOptions.CertificateChainPolicy);
        Assert.Equal(System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust, handler.SslOptions.CertificateChainPolicy!.TrustMode);
    }
}

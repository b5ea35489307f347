using System.Net;
using PoshServer.Acme;
using PoshTesting;
using Xunit.Abstractions;

namespace PoshServer.Tests.Acme;

/// <summary>End to end against the real Pebble with real http-01 validation answered by our Kestrel responder.</summary>
[Collection(PebbleTestGroup.Name)]
public sealed class AcmeRenewalServiceTests : IAsyncLifetime, IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly TempDirectory _storage = new("acme-storage-");
    private PebbleServer _pebble = null!;

    public AcmeRenewalServiceTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public async Task InitializeAsync() => _pebble = await PebbleServer.StartAsync(nonceRejectPercent: 50);

    public async Task DisposeAsync() => await _pebble.DisposeAsync();

    public void Dispose() => _storage.Dispose();

    [Fact]
    public async Task ExecuteAsync_SeveralNames_IssuesEachAndServesValidatingChainOverSni()
    {
        // Arrange: Pebble rejects half of all nonces, so badNonce retries are exercised throughout.
        string[] names = ["a.acme.test", "b.acme.test", "c.acme.test"];
        using var source = new TestAcmeNameSource(names);

        // Act
        await using var host = await StartHostAsync(source, new ManualTimeProvider(DateTimeOffset.UtcNow));
        await WaitForValidAsync(names);

        // Assert
        Assert.Equal(3, host.Orders);
        foreach (var name in names)
        {
            using var served = await host.FetchValidatedCertificateAsync(name, _pebble.CreateIssuedChainPolicy());
            Assert.True(served.MatchesHostname(name));
        }

        var storage = new AcmeStorage(_storage.Path);
        Assert.NotNull(storage.LoadAccount());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_storage.Combine("account.key.pem")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_storage.Combine("names", "a.acme.test", "key.pem")));
        }
    }

    private Task<AcmeTestHost> StartHostAsync(
        TestAcmeNameSource source,
        TimeProvider timeProvider,
        TestAcmeHostResolver? resolver = null,
        Action<AcmeIssuer>? configureIssuer = null) =>
        AcmeTestHost.StartAsync(_pebble, _storage.Path, source, timeProvider, resolver, settings: null, configureIssuer);

    private AcmeNameState? State(string name) => new AcmeStorage(_storage.Path).LoadState(name);

    private Task WaitForValidAsync(params string[] names) =>
        AcmeWait.UntilAsync(
            () => names.All(name => State(name)?.Status == AcmeNameStatus.Valid),
            "every name has a valid certificate",
            diagnostics: Diagnostics);

    private string Diagnostics()
    {
        var states = new AcmeStorage(_storage.Path).LoadAllStates();
        return string.Join('\n', states.Select(s => $"{s.HostName}: {s.Status} failures={s.FailureCount} error={s.LastError}")) + "\n" + _pebble.Output;
    }
}

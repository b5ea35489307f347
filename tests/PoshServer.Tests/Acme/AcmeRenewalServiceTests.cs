using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
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
        await using var host = await StartHostAsync(source, new FakeTimeProvider(DateTimeOffset.UtcNow));
        await WaitForValidAsync(names);

        // Assert
        Assert.Equal(3, host.Orders);
        foreach (var name in names)
        {
            using var served = await host.FetchValidatedCertificateAsync(name, _pebble.CreateIssuedChainPolicy());
            Assert.True(served.MatchesHostname(name));
        }

        using var storage = new AcmeStorage(_storage.Path);
        Assert.NotNull(await storage.LoadAccountAsync());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_storage.Combine("account.key.pem")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_storage.Combine("names", "a.acme.test", "key.pem")));
        }
    }

    [Fact]
    public async Task ExecuteAsync_AfterRestart_ServesStoredCertificatesWithoutNewOrderOrAccount()
    {
        // Arrange
        string[] names = ["a.acme.test", "b.acme.test"];
        using var source = new TestAcmeNameSource(names);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        string firstThumbprint;
        await using (var first = await StartHostAsync(source, time))
        {
            await WaitForValidAsync(names);
            using var served = await first.FetchValidatedCertificateAsync("a.acme.test", _pebble.CreateIssuedChainPolicy());
            firstThumbprint = served.Thumbprint;
        }

        var account = File.ReadAllText(_storage.Combine("account.json"));
        var accountKey = File.ReadAllText(_storage.Combine("account.key.pem"));

        // Act
        await using var second = await StartHostAsync(source, time);
        await AcmeWait.UntilAsync(() => second.Service.CompletedCycles >= 1, "the first cycle after restart ran", diagnostics: Diagnostics);

        // Assert
        Assert.Equal(0, second.Orders);
        using var again = await second.FetchValidatedCertificateAsync("a.acme.test", _pebble.CreateIssuedChainPolicy());
        Assert.Equal(firstThumbprint, again.Thumbprint);
        Assert.Equal(account, File.ReadAllText(_storage.Combine("account.json")));
        Assert.Equal(accountKey, File.ReadAllText(_storage.Combine("account.key.pem")));
    }

    [Fact]
    public async Task ExecuteAsync_RenewalDue_IssuesAndSwapsInNewCertificate()
    {
        // Arrange
        using var source = new TestAcmeNameSource("renew.acme.test");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartHostAsync(source, time);
        await WaitForValidAsync("renew.acme.test");
        var before = State("renew.acme.test")!;
        using var oldCertificate = await host.FetchValidatedCertificateAsync("renew.acme.test", _pebble.CreateIssuedChainPolicy());
        Assert.True(before.RenewAt > before.NotBefore + ((before.NotAfter - before.NotBefore) * 0.6));
        Assert.True(before.RenewAt < before.NotBefore + ((before.NotAfter - before.NotBefore) * 0.7));

        // Act: the scheduler sleeps on the TimeProvider; moving past RenewAt wakes it.
        time.SetUtcNow(before.RenewAt!.Value + TimeSpan.FromMinutes(1));
        await AcmeWait.UntilAsync(
            () => State("renew.acme.test")?.CertificateThumbprint is { } thumbprint && !string.Equals(thumbprint, before.CertificateThumbprint, StringComparison.Ordinal),
            "the certificate was renewed",
            diagnostics: Diagnostics);

        // Assert
        Assert.Equal(2, host.Orders);
        using var newCertificate = await host.FetchValidatedCertificateAsync("renew.acme.test", _pebble.CreateIssuedChainPolicy());
        Assert.NotEqual(oldCertificate.Thumbprint, newCertificate.Thumbprint, StringComparer.Ordinal);
        Assert.True(State("renew.acme.test")!.RenewAt > time.GetUtcNow());
    }

    [Fact]
    public async Task ExecuteAsync_CaStopped_KeepsServingBacksOffAndRecovers()
    {
        // Arrange
        using var source = new TestAcmeNameSource("up.acme.test");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartHostAsync(source, time);
        await WaitForValidAsync("up.acme.test");
        await _pebble.StopPebbleAsync();

        // Act: a new tenant arrives while the CA is down.
        source.Set("up.acme.test", "late.acme.test");
        await AcmeWait.UntilAsync(() => State("late.acme.test")?.FailureCount == 1, "the first attempt failed", diagnostics: Diagnostics);
        var first = State("late.acme.test")!;
        time.Advance(TimeSpan.FromMinutes(1));
        await AcmeWait.UntilAsync(() => State("late.acme.test")?.FailureCount == 2, "the second attempt failed", diagnostics: Diagnostics);
        var second = State("late.acme.test")!;
        var cycles = host.Service.CompletedCycles;

        // Assert: serving continues, the backoff doubled, and nothing runs before it ends.
        using (await host.FetchValidatedCertificateAsync("up.acme.test", _pebble.CreateIssuedChainPolicy()))
        {
        }

        Assert.Equal(TimeSpan.FromMinutes(1), first.NextAttempt - first.LastAttempt);
        Assert.Equal(TimeSpan.FromMinutes(2), second.NextAttempt - second.LastAttempt);
        Assert.Equal(AcmeNameStatus.Failed, second.Status);

        // Nothing runs before the backoff ends (issue 14: on the fake clock, not by sleeping and seeing nothing): with
        // the clock a second short of the next attempt, cycles woken by a name change leave the failed name alone. The
        // second wake makes sure a whole cycle started after the clock moved, even if the first was still finishing.
        time.Advance(second.NextAttempt!.Value - time.GetUtcNow() - TimeSpan.FromSeconds(1));
        for (var i = 0; i < 2; i++)
        {
            var next = host.Service.NextCycleAsync();
            source.Set("up.acme.test", "late.acme.test");
            await next.WaitAsync(TimeSpan.FromSeconds(60));
        }

        Assert.True(host.Service.CompletedCycles > cycles);
        Assert.Equal(2, State("late.acme.test")!.FailureCount);
        Assert.Equal(second.LastAttempt, State("late.acme.test")!.LastAttempt);

        // Act: the CA returns (a fresh Pebble: it has forgotten the account, which is registered again).
        await _pebble.StartPebbleAsync();
        time.Advance(TimeSpan.FromMinutes(2));
        await WaitForValidAsync("late.acme.test");

        // Assert
        using var recovered = await host.FetchValidatedCertificateAsync("late.acme.test", _pebble.CreateIssuedChainPolicy());
        Assert.Equal(0, State("late.acme.test")!.FailureCount);
    }

    [Fact]
    public async Task ExecuteAsync_OneNameFailsValidation_OthersAreIssued()
    {
        // Arrange: the CA's DNS sends "broken" to an address where nothing listens; our own view (pre-flight) is fine.
        await _pebble.MapHostAsync("broken.acme.test", IPAddress.Parse("127.0.0.2"));
        using var source = new TestAcmeNameSource("broken.acme.test", "ok1.acme.test", "ok2.acme.test");

        // Act
        await using var host = await StartHostAsync(source, new FakeTimeProvider(DateTimeOffset.UtcNow));
        await WaitForValidAsync("ok1.acme.test", "ok2.acme.test");
        await AcmeWait.UntilAsync(() => State("broken.acme.test")?.FailureCount >= 1, "the broken name failed", diagnostics: Diagnostics);

        // Assert
        var broken = State("broken.acme.test")!;
        Assert.Equal(AcmeNameStatus.Failed, broken.Status);
        Assert.Contains("urn:ietf:params:acme:error:", broken.LastError, StringComparison.Ordinal);
        Assert.Null(host.Certificates.Select("broken.acme.test"));
        using (await host.FetchValidatedCertificateAsync("ok1.acme.test", _pebble.CreateIssuedChainPolicy()))
        {
        }
    }

    [Fact]
    public async Task ExecuteAsync_PreflightFails_ReportsAndBacksOffWithoutOrdering()
    {
        // Arrange: "nowhere" does not resolve for us, so it is never ordered.
        var resolver = new TestAcmeHostResolver();
        resolver.Overrides["nowhere.acme.test"] = [];
        using var source = new TestAcmeNameSource("nowhere.acme.test", "fine.acme.test");

        // Act
        await using var host = await StartHostAsync(source, new FakeTimeProvider(DateTimeOffset.UtcNow), resolver);
        await WaitForValidAsync("fine.acme.test");
        await AcmeWait.UntilAsync(() => State("nowhere.acme.test")?.Status == AcmeNameStatus.PreflightFailed, "pre-flight failed", diagnostics: Diagnostics);

        // Assert
        var state = State("nowhere.acme.test")!;
        Assert.Equal(1, host.Orders);
        Assert.Equal(1, state.FailureCount);
        Assert.Contains("does not resolve", state.LastError, StringComparison.Ordinal);
        Assert.True(state.NextAttempt > state.LastAttempt);
        Assert.Null(state.PendingOrderUrl);
    }

    [Fact]
    public async Task Issue13_KilledRightAfterNewOrderBeforeRecordingIt_RestartFindsThatOrderInsteadOfOrderingAgain()
    {
        // Arrange: the first process stops the moment the CA answered new-order, before the order URL is written:
        // all that is on disk is what a kill -9 at that point leaves (the intent, written and flushed before the request).
        using var source = new TestAcmeNameSource("lost.acme.test");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var requested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = await StartHostAsync(source, time, configureIssuer: issuer => issuer.StepObserver = async (_, step, cancellationToken) =>
        {
            if (step == AcmeIssuanceStep.OrderRequested)
            {
                requested.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
        });
        await requested.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await first.DisposeAsync();
        var interrupted = State("lost.acme.test")!;
        Assert.NotNull(interrupted.OrderIntentAt);
        Assert.Null(interrupted.PendingOrderUrl);

        // Act
        await using var second = await StartHostAsync(source, time);
        await WaitForValidAsync("lost.acme.test");

        // Assert: the CA holds exactly one order for the name (RFC 8555 §7.1.2.1 orders list), the one the first made.
        Assert.Equal(0, second.Orders);
        var client = second.Services.GetRequiredService<AcmeClient>();
        var orders = await client.ListOrdersAsync();
        Assert.Single(orders);
        Assert.Null(State("lost.acme.test")!.OrderIntentAt);
    }

    [Fact]
    public async Task ExecuteAsync_StoppedBetweenFinalizeAndDownload_NextStartFinishesSameOrder()
    {
        // Arrange: the first process stops right after finalize, as if killed there.
        using var source = new TestAcmeNameSource("killed.acme.test");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var finalized = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = await StartHostAsync(source, time, configureIssuer: issuer => issuer.StepObserver = async (_, step, cancellationToken) =>
        {
            if (step == AcmeIssuanceStep.Finalized)
            {
                finalized.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
        });
        await finalized.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await first.DisposeAsync();

        // Assert: the order and its key are recorded, no certificate yet, no torn or temp files.
        var interrupted = State("killed.acme.test")!;
        Assert.NotNull(interrupted.PendingOrderUrl);
        Assert.True(File.Exists(_storage.Combine("names", "killed.acme.test", "pending-key.pem")));
        Assert.False(File.Exists(_storage.Combine("names", "killed.acme.test", "chain.pem")));
        Assert.Empty(Directory.GetFiles(_storage.Path, "*.tmp", SearchOption.AllDirectories));

        // Act
        await using var second = await StartHostAsync(source, time);
        await WaitForValidAsync("killed.acme.test");

        // Assert: the same order was completed, no new one.
        Assert.Equal(0, second.Orders);
        Assert.Null(State("killed.acme.test")!.PendingOrderUrl);
        Assert.False(File.Exists(_storage.Combine("names", "killed.acme.test", "pending-key.pem")));
        using (await second.FetchValidatedCertificateAsync("killed.acme.test", _pebble.CreateIssuedChainPolicy()))
        {
        }
    }

    [Fact]
    public async Task ExecuteAsync_NameRemovedFromSource_NoLongerServedOrRenewed()
    {
        // Arrange
        using var source = new TestAcmeNameSource("stay.acme.test", "gone.acme.test");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartHostAsync(source, time);
        await WaitForValidAsync("stay.acme.test", "gone.acme.test");
        var gone = State("gone.acme.test")!;

        // Act
        source.Set("stay.acme.test");
        await AcmeWait.UntilAsync(() => host.Certificates.Select("gone.acme.test") is null, "the removed name is no longer served", diagnostics: Diagnostics);
        var latest = new[] { State("stay.acme.test")!.RenewAt!.Value, gone.RenewAt!.Value }.Max();
        time.SetUtcNow(latest + TimeSpan.FromMinutes(1));
        await AcmeWait.UntilAsync(() => State("stay.acme.test")!.NotAfter != null && host.Orders == 3, "the remaining name was renewed", diagnostics: Diagnostics);

        // Assert: the removed name's state is kept as it was, and it had no new order.
        Assert.Equal(gone, State("gone.acme.test"));
        Assert.Equal(3, host.Orders);
    }

    private Task<AcmeTestHost> StartHostAsync(
        TestAcmeNameSource source,
        TimeProvider timeProvider,
        TestAcmeHostResolver? resolver = null,
        Action<AcmeIssuer>? configureIssuer = null) =>
        AcmeTestHost.StartAsync(_pebble, _storage.Path, source, timeProvider, resolver, settings: null, configureIssuer);

    private AcmeNameState? State(string name) => StoredAcmeFiles.State(_storage.Path, name);

    private Task WaitForValidAsync(params string[] names) =>
        AcmeWait.UntilAsync(
            () => names.All(name => State(name)?.Status == AcmeNameStatus.Valid),
            "every name has a valid certificate",
            diagnostics: Diagnostics);

    private string Diagnostics()
    {
        var states = StoredAcmeFiles.AllStates(_storage.Path);
        return string.Join('\n', states.Select(s => $"{s.HostName}: {s.Status} failures={s.FailureCount} error={s.LastError}")) + "\n" + _pebble.Output;
    }
}

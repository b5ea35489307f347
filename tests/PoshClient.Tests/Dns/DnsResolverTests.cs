using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using PoshClient.Dns;
using PoshTesting;

namespace PoshClient.Tests.Dns;

/// <summary>Resolver behaviour against a scripted server: the cases a real DNS server does not produce on demand.</summary>
public sealed class DnsResolverTests
{
    private const string Service = "_xmpp-client._tcp.example.test";
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ResolveSrvAsync_DatagramWithOtherIdFirst_IgnoresItAndAcceptsTheAnswer()
    {
        await using var server = new ScriptedDnsServer(q =>
        [
            Answer(q, "wrong.example.test").With(r => r.Id = (ushort)(q.Id + 1)).Build(),
            Answer(q, "right.example.test").Build(),
        ]);
        var resolver = Resolver(server);

        var result = await resolver.ResolveSrvAsync(Service).WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.Success, result.Status);
        Assert.Equal("right.example.test", Assert.Single(result.Records).Target);
    }

    [Theory]
    [InlineData("other.example.test", 33, 1)]
    [InlineData(Service, 1, 1)]
    [InlineData(Service, 33, 3)]
    public async Task ResolveSrvAsync_DatagramWithOtherQuestionFirst_IgnoresIt(string name, ushort type, ushort questionClass)
    {
        await using var server = new ScriptedDnsServer(q =>
        [
            Answer(q, "wrong.example.test").With(r => (r.QuestionName, r.QuestionType, r.QuestionClass) = (name, (DnsRecordType)type, questionClass)).Build(),
            Answer(q, "right.example.test").Build(),
        ]);
        var resolver = Resolver(server);

        var result = await resolver.ResolveSrvAsync(Service).WaitAsync(s_bound);

        Assert.Equal("right.example.test", Assert.Single(result.Records).Target);
    }

    [Fact]
    public async Task ResolveSrvAsync_QuestionEchoedInOtherCase_IsAccepted()
    {
        await using var server = new ScriptedDnsServer(q => [Answer(q, "xmpp.example.test").With(r => r.QuestionName = q.Name.ToUpperInvariant()).Build()]);
        var resolver = Resolver(server);

        var result = await resolver.ResolveSrvAsync(Service).WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.Success, result.Status);
    }

    [Fact]
    public async Task ResolveSrvAsync_QueryWithoutQrBitFirst_IgnoresIt()
    {
        await using var server = new ScriptedDnsServer(q =>
        [
            Answer(q, "wrong.example.test").With(r => r.IsResponse = false).Build(),
            [0x01, 0x02, 0x03],
            Answer(q, "right.example.test").Build(),
        ]);
        var resolver = Resolver(server);

        var result = await resolver.ResolveSrvAsync(Service).WaitAsync(s_bound);

        Assert.Equal("right.example.test", Assert.Single(result.Records).Target);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public async Task ResolveSrvAsync_FirstServerFails_AsksTheSecond(int responseCode)
    {
        await using var failing = new ScriptedDnsServer(q => [TestDnsResponse.For(q).With(r => r.ResponseCode = responseCode).Build()]);
        await using var working = new ScriptedDnsServer(q => [Answer(q, "xmpp.example.test").Build()]);
        var logger = new FakeLogger();
        var resolver = Resolver([failing, working], logger: logger);

        var result = await resolver.ResolveSrvAsync(Service).WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.Success, result.Status);
        Assert.Single(failing.Queries);
        var failover = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Name == "DnsServerFailover");
        Assert.Equal(LogLevel.Information, failover.Level);
        Assert.Equal(failing.EndPoint.ToString(), failover.GetStructuredStateValue("Server"));
    }

    [Fact]
    public async Task ResolveSrvAsync_EveryServerFails_ReportsServerFailureAfterEveryRound()
    {
        await using var first = new ScriptedDnsServer(q => [TestDnsResponse.For(q).With(r => r.ResponseCode = 2).Build()]);
        await using var second = new ScriptedDnsServer(q => [TestDnsResponse.For(q).With(r => r.ResponseCode = 5).Build()]);
        var resolver = Resolver([first, second], attempts: 2);

        var result = await resolver.ResolveSrvAsync(Service).WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.ServerFailure, result.Status);
        Assert.Empty(result.Records);
        Assert.Equal(2, first.Queries.Count);
        Assert.Equal(2, second.Queries.Count);
        Assert.Contains("SERVFAIL", result.Detail, StringComparison.Ordinal);
        Assert.Contains("REFUSED", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveSrvAsync_NameError_DoesNotAskTheNextServer()
    {
        await using var first = new ScriptedDnsServer(q => [TestDnsResponse.For(q).With(r => r.ResponseCode = 3).Build()]);
        await using var second = new ScriptedDnsServer(q => [Answer(q, "xmpp.example.test").Build()]);
        var resolver = Resolver([first, second]);

        var result = await resolver.ResolveSrvAsync(Service).WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.NameError, result.Status);
        Assert.Empty(second.Queries);
    }

    [Theory]
    [InlineData(0, (int)DnsResponseStatus.NoData)]
    [InlineData(1, (int)DnsResponseStatus.Failure)]
    [InlineData(2, (int)DnsResponseStatus.ServerFailure)]
    [InlineData(3, (int)DnsResponseStatus.NameError)]
    [InlineData(4, (int)DnsResponseStatus.Failure)]
    [InlineData(5, (int)DnsResponseStatus.ServerFailure)]
    public async Task ResolveSrvAsync_ResponseCodeWithoutAnswers_MapsToStatus(int responseCode, int expected)
    {
        await using var server = new ScriptedDnsServer(q => [TestDnsResponse.For(q).With(r => r.ResponseCode = responseCode).Build()]);
        var resolver = Resolver(server, attempts: 1);

        var result = await resolver.ResolveSrvAsync(Service).WaitAsync(s_bound);

        Assert.Equal((DnsResponseStatus)expected, result.Status);
    }

    [Fact]
    public async Task ResolveSrvAsync_AnswersOfAnotherTypeOnly_IsNoData()
    {
        await using var server = new ScriptedDnsServer(q => [TestDnsResponse.For(q).AddAddress(Service, IPAddress.Loopback).Build()]);
        var resolver = Resolver(server);

        var result = await resolver.ResolveSrvAsync(Service).WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.NoData, result.Status);
    }

    [Fact]
    public async Task ResolveSrvAsync_SilentServer_TimesOutWithinTheBound()
    {
        await using var server = new ScriptedDnsServer(ScriptedDnsServer.Silent);
        var resolver = Resolver(server, attempts: 2, attemptTimeout: TimeSpan.FromMilliseconds(200));

        var result = await resolver.ResolveSrvAsync(Service).WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.Timeout, result.Status);
        Assert.Equal(2, server.Queries.Count);
    }

    [Fact]
    public async Task ResolveSrvAsync_SilentServerOnManualClock_TimesOutWhenTheClockPassesTheAttemptTimeout()
    {
        await using var server = new ScriptedDnsServer(ScriptedDnsServer.Silent);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var resolver = Resolver(server, attempts: 1, attemptTimeout: TimeSpan.FromSeconds(5), timeProvider: clock);

        var pending = resolver.ResolveSrvAsync(Service);
        await server.FirstQuery.Task.WaitAsync(s_bound);
        Assert.False(pending.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(5));
        var result = await pending.WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.Timeout, result.Status);
    }

    [Fact]
    public async Task ResolveSrvAsync_SilentFirstServer_FailsOverToTheSecond()
    {
        // A manual clock: the silent server times out when the test says so, and the second server is never hurried.
        await using var silent = new ScriptedDnsServer(ScriptedDnsServer.Silent);
        await using var working = new ScriptedDnsServer(q => [Answer(q, "xmpp.example.test").Build()]);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var resolver = Resolver([silent, working], attemptTimeout: TimeSpan.FromSeconds(2), timeProvider: clock);

        var pending = resolver.ResolveSrvAsync(Service);
        await silent.FirstQuery.Task.WaitAsync(s_bound);
        clock.Advance(TimeSpan.FromSeconds(2));
        var result = await pending.WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.Success, result.Status);
        Assert.Single(silent.Queries);
    }

    [Fact]
    public async Task ResolveSrvAsync_CallerCancels_Throws()
    {
        await using var server = new ScriptedDnsServer(ScriptedDnsServer.Silent);
        var resolver = Resolver(server, attemptTimeout: TimeSpan.FromSeconds(30));
        using var cts = new CancellationTokenSource();

        var pending = resolver.ResolveSrvAsync(Service, cts.Token);
        await server.FirstQuery.Task.WaitAsync(s_bound);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(s_bound));
    }

    [Fact]
    public async Task ResolveSrvAsync_TruncatedUdpAnswer_RetriesOverTcpAndReadsTheWholeAnswer()
    {
        await using var server = new ScriptedDnsServer(
            q => [TestDnsResponse.For(q).With(r => r.Truncated = true).Build()],
            q => Enumerable.Range(0, 80).Aggregate(TestDnsResponse.For(q), (r, i) => r.AddSrv(Service, 0, 1, 5222, $"host-{i}-with-a-long-label-to-make-the-answer-big.example.test")).Build());
        var logger = new FakeLogger();
        var resolver = Resolver(server, logger: logger);

        var result = await resolver.ResolveSrvAsync(Service).WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.Success, result.Status);
        Assert.Equal(80, result.Records.Count);
        Assert.Contains(server.Queries, q => q.OverTcp);
        var retry = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Name == "DnsTcpRetry");
        Assert.Equal(Service, retry.GetStructuredStateValue("Name"));
    }

    [Fact]
    public async Task ResolveSrvAsync_TcpConnectionClosedEarly_FailsOver()
    {
        await using var truncating = new ScriptedDnsServer(q => [TestDnsResponse.For(q).With(r => r.Truncated = true).Build()], tcpScript: _ => null);
        await using var working = new ScriptedDnsServer(q => [Answer(q, "xmpp.example.test").Build()]);
        var resolver = Resolver([truncating, working]);

        var result = await resolver.ResolveSrvAsync(Service).WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.Success, result.Status);
    }

    [Fact]
    public async Task ResolveSrvAsync_MalformedRecordsInMatchingAnswer_FailsOver()
    {
        await using var broken = new ScriptedDnsServer(q => [[.. Answer(q, "xmpp.example.test").Build()[..^3]]]);
        await using var working = new ScriptedDnsServer(q => [Answer(q, "xmpp.example.test").Build()]);
        var resolver = Resolver([broken, working], attempts: 1);

        var result = await resolver.ResolveSrvAsync(Service).WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.Success, result.Status);
        Assert.Single(broken.Queries);
    }

    [Fact]
    public async Task ResolveSrvAsync_QueryOnTheWire_IsRecursiveWithEdnsAndAbsoluteIdnaName()
    {
        await using var server = new ScriptedDnsServer(q => [Answer(q, "xmpp.example.test").Build()]);
        var resolver = Resolver(server);

        await resolver.ResolveSrvAsync("_xmpp-client._tcp.bücher.test.").WaitAsync(s_bound);

        var query = Assert.Single(server.Queries);
        Assert.Equal("_xmpp-client._tcp.xn--bcher-kva.test", query.Name);
        Assert.Equal(0x01, query.Message[2]); // RD=1
        Assert.Equal(1, query.Message[11]); // the OPT record
    }

    [Fact]
    public async Task ResolveSrvAsync_SrvTargetsWithAdditionalAddresses_ReturnsThemKeyedByTarget()
    {
        await using var server = new ScriptedDnsServer(q =>
        [
            Answer(q, "xmpp.example.test.")
                .AddAddress("XMPP.example.test", IPAddress.Parse("127.0.0.5"), additional: true)
                .AddAddress("xmpp.example.test", IPAddress.IPv6Loopback, additional: true)
                .AddAddress("unrelated.example.test", IPAddress.Loopback, additional: true)
                .Build(),
        ]);
        var resolver = Resolver(server);

        var result = await resolver.ResolveSrvAsync(Service).WaitAsync(s_bound);

        Assert.Equal("xmpp.example.test", Assert.Single(result.Records).Target);
        var (target, addresses) = Assert.Single(result.AdditionalAddresses);
        Assert.Equal("xmpp.example.test", target, ignoreCase: true);
        Assert.Equal([IPAddress.IPv6Loopback, IPAddress.Parse("127.0.0.5")], addresses);
    }

    [Theory]
    [InlineData("a..b.test")]
    [InlineData("")]
    public async Task ResolveSrvAsync_InvalidName_FailsWithoutQuery(string name)
    {
        await using var server = new ScriptedDnsServer(q => [Answer(q, "x.test").Build()]);
        var resolver = Resolver(server);

        var result = await resolver.ResolveSrvAsync(name).WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.Failure, result.Status);
        Assert.Empty(server.Queries);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("[::1]")]
    public async Task ResolveAddressesAsync_IpLiteral_ReturnsItWithoutQuery(string host)
    {
        await using var server = new ScriptedDnsServer(ScriptedDnsServer.Silent);
        var resolver = Resolver(server);

        var result = await resolver.ResolveAddressesAsync(host).WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.Success, result.Status);
        Assert.Equal(IPAddress.Parse(host.Trim('[', ']')), Assert.Single(result.Addresses));
        Assert.Empty(server.Queries);
    }

    [Fact]
    public async Task ResolveAddressesAsync_CNameChain_FollowsItAndPutsIpv6First()
    {
        await using var server = new ScriptedDnsServer(q =>
        [
            TestDnsResponse.For(q)
                .AddCName("www.example.test", "edge.example.test")
                .AddCName("edge.example.test", "host.example.test")
                .AddAddress("host.example.test", q.Type == DnsRecordType.A ? IPAddress.Parse("127.0.0.9") : IPAddress.IPv6Loopback)
                .Build(),
        ]);
        var resolver = Resolver(server);

        var result = await resolver.ResolveAddressesAsync("www.example.test").WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.Success, result.Status);
        Assert.Equal([IPAddress.IPv6Loopback, IPAddress.Parse("127.0.0.9")], result.Addresses);
        Assert.Equal(2, server.Queries.Count);
    }

    [Theory]
    [InlineData(0, 0, (int)DnsResponseStatus.NoData)]
    [InlineData(3, 3, (int)DnsResponseStatus.NameError)]
    [InlineData(0, 2, (int)DnsResponseStatus.ServerFailure)]
    [InlineData(2, 0, (int)DnsResponseStatus.ServerFailure)]
    public async Task ResolveAddressesAsync_NoAddresses_CombinesBothStatuses(int aaaaCode, int aCode, int expected)
    {
        await using var server = new ScriptedDnsServer(q => [TestDnsResponse.For(q).With(r => r.ResponseCode = q.Type == DnsRecordType.A ? aCode : aaaaCode).Build()]);
        var resolver = Resolver(server, attempts: 1);

        var result = await resolver.ResolveAddressesAsync("host.example.test").WaitAsync(s_bound);

        Assert.Equal((DnsResponseStatus)expected, result.Status);
        Assert.Empty(result.Addresses);
    }

    [Fact]
    public async Task ResolveSrvAsync_NoServersConfigured_UsesResolvConf()
    {
        await using var server = new ScriptedDnsServer(q => [Answer(q, "xmpp.example.test").Build()]);
        var conf = ResolvConf.Parse($"nameserver 127.0.0.1\noptions timeout:1 attempts:1\n") with { Servers = [server.EndPoint] };
        var resolver = new DnsResolver(new DnsResolverOptions(), TimeProvider.System, logger: null, () => conf);

        var result = await resolver.ResolveSrvAsync(Service).WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.Success, result.Status);
        Assert.Single(server.Queries);
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(6, 2)]
    [InlineData(2, 0)]
    [InlineData(2, 31)]
    public void Constructor_OptionsOutOfRange_Throws(int attempts, int timeoutSeconds)
    {
        var options = new DnsResolverOptions { Attempts = attempts, AttemptTimeout = TimeSpan.FromSeconds(timeoutSeconds) };

        Assert.Throws<ArgumentOutOfRangeException>(() => new DnsResolver(options));
    }

    private static TestDnsResponse Answer(ScriptedDnsQuery query, string target) =>
        TestDnsResponse.For(query).AddSrv(Service, 0, 0, 5222, target);

    private static DnsResolver Resolver(ScriptedDnsServer server, int attempts = 2, TimeSpan? attemptTimeout = null, TimeProvider? timeProvider = null, FakeLogger? logger = null) =>
        Resolver([server], attempts, attemptTimeout, timeProvider, logger);

    private static DnsResolver Resolver(ScriptedDnsServer[] servers, int attempts = 2, TimeSpan? attemptTimeout = null, TimeProvider? timeProvider = null, FakeLogger? logger = null)
    {
        var options = new DnsResolverOptions { Attempts = attempts, AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(5) };
        foreach (var server in servers)
        {
            options.Servers.Add(server.EndPoint);
        }

        return new DnsResolver(options, timeProvider, logger);
    }
}

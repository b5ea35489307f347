using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PoshClient;
using PoshClient.Dns;
using PoshClient.Verification;
using PoshServer.TenantChecks;
using PoshTesting;

namespace PoshServer.Tests.TenantChecks;

/// <summary>
/// Issue 10, tenant check results in the cluster store: three replicas' services over one real PostgreSQL and one
/// fake clock. The checks reach no network: the web fetch is refused by its connect callback and DNS goes to a
/// loopback port where nothing answers.
/// </summary>
[Collection(Acme.PebbleTestGroup.Name)]
public sealed class TenantCheckRoundClusterTests
{
    [Fact]
    public async Task RunDueRoundAsync_ThreeReplicas_OneRunsEachInterval_AllShowItsVerdicts()
    {
        // Arrange
        await using var postgreSql = await PostgreSqlServer.StartAsync(IPAddress.Parse("127.0.62.201"));
        using var tenants = new TenantWorld();
        tenants.WriteTenant("alpha.yaml", "domain: alpha.test\nexpires: 3600\n");
        using var state = new TempDirectory("posh-checks-");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var options = new PoshClientOptions { NotFoundCacheTime = TimeSpan.Zero, FailureCacheTime = TimeSpan.Zero };
        var handler = PoshVerifier.CreateHttpHandler(options);
        handler.ConnectCallback = (_, _) => throw new HttpRequestException("no network in this test");
        using var http = new HttpClient(handler);
        using var verifier = new PoshVerifier(http, options);
        var apps = new List<WebApplication>();
        try
        {
            for (var i = 1; i <= 3; i++)
            {
                var builder = PoshServerApp.CreateBuilder(
                [
                    $"--Tenants:Directory={tenants.Path}",
                    $"--Rotation:StatePath={state.Combine($"rotation-{i}.json")}",
                    "--Admin:Enabled=false",
                    "--TenantChecks:Background=false",
                    "--TenantChecks:Timeout=00:00:10",
                    "--Posh:HostNames:0=posh.hosting.test",
                    "--Posh:PublicBaseUrl=https://posh.hosting.test",
                    "--Logging:LogLevel:Default=Warning",
                    "--Cluster:Store=postgresql",
                    $"--Cluster:ConnectionString={postgreSql.ConnectionString}",
                    $"--Cluster:ReplicaName=replica-{i}",
                    $"--Cluster:EncryptionKey={key}",
                ]);
                var dns = new DnsResolverOptions { AttemptTimeout = TimeSpan.FromMilliseconds(200), Attempts = 1 };
                dns.Servers.Add(new IPEndPoint(IPAddress.Parse("127.0.62.250"), FreePort.TcpAndUdp(IPAddress.Parse("127.0.62.250"))));
                builder.Services.AddSingleton(new DnsResolver(dns));
                builder.Services.AddSingleton(verifier);
                builder.Services.AddSingleton<TimeProvider>(clock);
                var app = PoshServerApp.Build(builder);
                apps.Add(app);
                Assert.Empty(TestStartup.LoadBeforeStart(app));
            }

            // Act: all three look at once, then again at once, then once more an interval later.
            var first = await Task.WhenAll(apps.Select(a => a.Services.GetRequiredService<TenantCheckService>().RunDueRoundAsync()));
            var again = await Task.WhenAll(apps.Select(a => a.Services.GetRequiredService<TenantCheckService>().RunDueRoundAsync()));
            var shown = new List<TenantCheckResult?>();
            foreach (var app in apps)
            {
                await app.Services.GetRequiredService<TenantCheckRoundStore>().RefreshAsync();
                shown.Add(app.Services.GetRequiredService<TenantCheckResults>().Get("alpha.test"));
            }

            clock.Advance(TimeSpan.FromHours(1));
            var later = await Task.WhenAll(apps.Select(a => a.Services.GetRequiredService<TenantCheckService>().RunDueRoundAsync()));

            // Assert
            Assert.Single(first, ran => ran);
            Assert.All(again, ran => Assert.False(ran));
            Assert.Single(later, ran => ran);
            Assert.All(shown, result => Assert.NotNull(result));
            Assert.Single(shown.Select(r => (r!.CheckedAt, r.Overall, r.Verdicts[0].Reason)).Distinct());
        }
        finally
        {
            foreach (var app in apps)
            {
                await app.DisposeAsync();
            }
        }
    }
}

using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PoshServer.FailureReports;

namespace PoshServer.Tests.FailureReports;

public sealed class FailureReportEndpointsTests
{
    [Fact]
    public async Task Post_OverPerAddressLimit_429WithRetryAfter()
    {
        using var world = new TenantWorld();
        world.WriteTenant("alpha.yaml", "domain: alpha.example\n");
        await using var server = await PoshServerHost.StartAsync(world.Path, null, "--Admin:Enabled=false", "--TenantChecks:Background=false", "--FailureReports:PermitsPerMinute=2", $"--Rotation:StatePath={world.Combine("state.json")}");
        using var client = server.CreateClient();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;

        for (var i = 0; i < 3; i++)
        {
            last?.Dispose();
            last = await client.PostAsync(
                new Uri("https://posh.hosting.test/posh-reports"),
                new StringContent("""{"domain":"alpha.example","service":"xmpp-client","outcome":"Mismatch","presentedSha256":"AAAA"}""", Encoding.UTF8, "application/json"));
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests], statuses);
        Assert.NotNull(last!.Headers.RetryAfter);
        last.Dispose();
        var summary = Assert.Single(server.Services.GetRequiredService<FailureReportStore>().Summaries());
        Assert.Equal(2, summary.Count);
        Assert.False(summary.Recent[0].PresentedIsPublished);
    }
}

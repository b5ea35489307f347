using System.Collections.Concurrent;
using System.Diagnostics;
using PoshClient.Documents;
using PoshClient.Verification;
using PoshTesting;

namespace PoshClient.Tests.Verification;

/// <summary>A verification is one activity of the "PoshClient" ActivitySource, for OpenTelemetry or any listener.</summary>
public sealed class PoshClientActivitiesTests
{
    [Fact]
    public async Task VerifyAsync_AnyDomain_StopsOneActivityWithDomainServiceAndOutcome()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == PoshClientActivities.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var certificate = TestCertificates.SelfSigned(["xmpp.activity.example"]);
        // No network: a name that is not a DNS domain name has no POSH document to fetch.
        using var verifier = new PoshVerifier(new HttpClient());

        var result = await verifier.VerifyAsync("not a domain!.activity", PoshService.XmppServer, certificate);

        var activity = Assert.Single(stopped, a => a.OperationName == PoshClientActivities.Verify && Equals(a.GetTagItem("posh.domain"), "not a domain!.activity"));
        Assert.Equal("xmpp-server", activity.GetTagItem("posh.service"));
        Assert.Equal("NoPoshMaterial", activity.GetTagItem("posh.outcome"));
        Assert.Equal(PoshVerificationOutcome.NoPoshMaterial, result.Outcome);
    }
}

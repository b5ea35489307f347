using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PoshClient.Documents;
using PoshServer.TenantChecks;

namespace PoshServer.Tests.TenantChecks;

/// <summary>The live check against a real Prosody found through real SRV records.</summary>
public sealed class XmppLiveCertificateProbeTests(LiveProbeWorld world) : IClassFixture<LiveProbeWorld>
{
    [Fact]
    public void Registration_Default_IsTheXmppConnectorProbe()
    {
        Assert.IsType<XmppLiveCertificateProbe>(world.Services.GetRequiredService<ILiveCertificateProbe>());
    }

    [Fact]
    public async Task ProbeAsync_RejectedByPeers_StillReportsPresentedCertificateAndEndpoint()
    {
        var probe = world.Services.GetRequiredService<ILiveCertificateProbe>();

        var result = await probe.ProbeAsync(LiveProbeWorld.HostedDomain, PoshService.XmppClient);

        Assert.True(result.Checked, result.Reason);
        Assert.Equal(LiveProbeWorld.Sha256(world.Hosted), result.PresentedSha256);
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"{LiveProbeWorld.XmppHost}:{world.Prosody.C2sPort}"), result.Endpoint);
        Assert.Contains("rejected", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_Accepted_ReportsPresentedCertificate()
    {
        var probe = world.Services.GetRequiredService<ILiveCertificateProbe>();

        var result = await probe.ProbeAsync(LiveProbeWorld.PkixDomain, PoshService.XmppClient);

        Assert.True(result.Checked, result.Reason);
        Assert.Equal(LiveProbeWorld.Sha256(world.Pkix), result.PresentedSha256);
        Assert.StartsWith("accepted", result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LiveProbeWorld.HostedDomain, "Pass", "which we publish")]
    [InlineData(LiveProbeWorld.PkixDomain, "Pass", "which we publish")]
    [InlineData(LiveProbeWorld.UnpublishedDomain, "Fail", "which we do not publish for unpublished.test")]
    [InlineData(LiveProbeWorld.DownDomain, "Fail", "did not present a certificate: ")]
    public async Task CheckAsync_LiveEndpoint_VerdictReasonAndFix(string domain, string expected, string reason)
    {
        var checker = world.Services.GetRequiredService<TenantChecker>();

        var result = await checker.CheckAsync(domain);

        Assert.NotNull(result);
        var explanation = TenantsCheckCommand.Describe(result) + "\n" + world.Logs;
        var live = Assert.Single(result.Findings, f => f.Area == CheckArea.Live);
        Assert.True(string.Equals(expected, live.Verdict.ToString(), StringComparison.Ordinal), explanation);
        Assert.Contains(reason, live.Message, StringComparison.Ordinal);
        var port = string.Equals(domain, LiveProbeWorld.DownDomain, StringComparison.Ordinal) ? world.DownPort : world.Prosody.C2sPort;
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"{LiveProbeWorld.XmppHost}:{port}"), live.Message, StringComparison.Ordinal);
        if (live.Verdict == CheckVerdict.Fail)
        {
            Assert.False(string.IsNullOrEmpty(live.Fix), explanation);
            var verdict = result.Verdicts.Single(v => v.Verifier == KnownVerifier.PoshClient);
            Assert.Contains(live.Message, verdict.Reason, StringComparison.Ordinal);
        }
        else
        {
            var presented = string.Equals(domain, LiveProbeWorld.PkixDomain, StringComparison.Ordinal) ? world.Pkix : world.Hosted;
            Assert.Contains(LiveProbeWorld.Sha256(presented), live.Message, StringComparison.Ordinal);
        }
    }
}

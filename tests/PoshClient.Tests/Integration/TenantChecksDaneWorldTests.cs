using PoshClient.Dane;
using PoshClient.Documents;
using PoshServer.TenantChecks;

namespace PoshClient.Tests.Integration;

/// <summary>
/// <c>tenants check</c>'s DANE finding from the live probe against the DANE world: whether the SRV answer is secure
/// and whether the target's TLSA set matches the certificate the live endpoint presents.
/// </summary>
[Collection(DaneWorldGroup.Name)]
public sealed class TenantChecksDaneWorldTests(DaneWorld world)
{
    [Fact]
    public async Task DaneFinding_TlsaMatchesTheLiveCertificate_Passes()
    {
        var finding = await FindingAsync(DaneWorld.EeDomain);

        Assert.Equal(CheckVerdict.Pass, finding.Verdict);
        Assert.Contains("SRV answer DNSSEC secure", finding.Message, StringComparison.Ordinal);
        Assert.Contains("matches the live certificate (3 1 1 ", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DaneFinding_TlsaDoesNotMatchTheLiveCertificate_FailsWithAFix()
    {
        var finding = await FindingAsync(DaneWorld.MismatchDomain);

        Assert.Equal(CheckVerdict.Fail, finding.Verdict);
        Assert.Contains("does not match the live certificate", finding.Message, StringComparison.Ordinal);
        Assert.Contains("3 1 1", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DaneFinding_UnsignedZone_NotApplicable()
    {
        var finding = await FindingAsync(DaneWorld.PlainDomain);

        Assert.Equal(CheckVerdict.NotApplicable, finding.Verdict);
        Assert.Contains("SRV answer DNSSEC insecure", finding.Message, StringComparison.Ordinal);
    }

    private async Task<CheckFinding> FindingAsync(string domain)
    {
        using var client = world.CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var probe = await new XmppLiveCertificateProbe(client.Connector).ProbeAsync(domain, PoshService.XmppClient, timeout.Token);
        Assert.NotNull(probe.Dane);
        return Assert.Single(TenantChecker.DaneFinding(PoshService.XmppClient, probe));
    }
}

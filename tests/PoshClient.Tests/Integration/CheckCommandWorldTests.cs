using System.Globalization;
using PoshTesting;
using Xunit.Abstractions;

namespace PoshClient.Tests.Integration;

/// <summary>
/// <c>PoshServer check</c>, the operator's trace, run as a process against the test world: the real handshake a
/// peer does, with the world's DNS server and CA given on the command line.
/// </summary>
[Collection(TestWorldGroup.Name)]
public sealed class CheckCommandWorldTests(TestWorld world, ITestOutputHelper testOutput) : IDisposable
{
    private readonly TempDirectory _directory = new("posh-world-check-");

    [Fact]
    public async Task Check_TenantVerifiedByPosh_PrintsTheTraceAndExitsZero()
    {
        // Arrange
        AssertPoshServerOnDefaultPort();

        // Act
        var (exitCode, output) = await RunCheckAsync(TestWorld.DirectDomain);
        testOutput.WriteLine(output);

        // Assert
        Assert.True(exitCode == 0, output);
        Assert.Contains("Checking direct.test (xmpp-client)", output, StringComparison.Ordinal);
        Assert.Contains("dns: SRV _xmpp-client._tcp.direct.test: 10 0 " + world.Prosody.C2sPort.ToString(CultureInfo.InvariantCulture) + " xmpp.hosting.test", output, StringComparison.Ordinal);
        Assert.Contains("starttls: <starttls/> answered with <proceed/>", output, StringComparison.Ordinal);
        Assert.Contains("names    xmpp.hosting.test", output, StringComparison.Ordinal);
        Assert.Contains("GET https://direct.test/.well-known/posh/xmpp-client.json → 200", output, StringComparison.Ordinal);
        Assert.Contains("← matches the presented certificate", output, StringComparison.Ordinal);
        Assert.Contains("Verdict: ACCEPTED (Posh)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_DocumentListsAnotherCertificate_PrintsTheMismatchAndExitsNonZero()
    {
        // Arrange
        AssertPoshServerOnDefaultPort();

        // Act
        var (exitCode, output) = await RunCheckAsync(TestWorld.MismatchDomain);

        // Assert
        Assert.True(exitCode == 4, output);
        Assert.Contains("GET https://mismatch.test/.well-known/posh/xmpp-client.json → 200", output, StringComparison.Ordinal);
        Assert.DoesNotContain("← matches the presented certificate", output, StringComparison.Ordinal);
        Assert.Contains("Verdict: REJECTED (None)", output, StringComparison.Ordinal);
        Assert.Contains("POSH: fingerprint mismatch", output, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();

    private void AssertPoshServerOnDefaultPort() =>
        // The command fetches https://<tenant>/ on port 443 with no port mapping: PoshServer must hold the real port.
        Assert.True(world.PoshServer.EndPoint.Port == 443, "PoshServer could not listen on port 443 (run the tests as root or with CAP_NET_BIND_SERVICE), so the check command cannot reach it.");

    private Task<(int ExitCode, string Output)> RunCheckAsync(string domain) =>
        CheckCommandRunner.RunAsync(_directory, world.Authority.Certificate, world.Dns.EndPoint, domain);
}

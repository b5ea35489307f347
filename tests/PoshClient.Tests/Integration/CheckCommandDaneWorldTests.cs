using System.Text.Json;
using PoshTesting;
using Xunit.Abstractions;

namespace PoshClient.Tests.Integration;

/// <summary>
/// <c>PoshServer check</c> against the DANE world: each DNS answer's DNSSEC status and the DANE decision, in text and
/// in <c>--json</c>, with the world's validating resolver given as <c>--dns-server</c>.
/// </summary>
[Collection(DaneWorldGroup.Name)]
public sealed class CheckCommandDaneWorldTests(DaneWorld world, ITestOutputHelper testOutput) : IDisposable
{
    private readonly TempDirectory _directory = new("posh-dane-check-");

    [Fact]
    public async Task Check_DaneEeTenant_PrintsDnssecStatusAndTheMatchedRecord()
    {
        // Act
        var (exitCode, output) = await RunCheckAsync(DaneWorld.EeDomain);
        testOutput.WriteLine(output);

        // Assert
        Assert.True(exitCode == 0, output);
        Assert.Contains("DNSSEC:", output, StringComparison.Ordinal);
        Assert.Contains("secure        SRV _xmpp-client._tcp.ee.dane.test", output, StringComparison.Ordinal);
        Assert.Contains($"secure        TLSA _{world.Prosody.C2sPort}._tcp.t-ee.dane.test", output, StringComparison.Ordinal);
        Assert.Contains("DANE: verified", output, StringComparison.Ordinal);
        Assert.Contains("matched TLSA 3 1 1 ", output, StringComparison.Ordinal);
        Assert.Contains("Verdict: ACCEPTED (Dane)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_TlsaMismatchJson_ReportsTheDaneDecision()
    {
        // Act
        var (exitCode, output) = await RunCheckAsync(DaneWorld.MismatchDomain, "--json");
        testOutput.WriteLine(output);

        // Assert
        Assert.True(exitCode == 4, output);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("None", root.GetProperty("proofType").GetString());
        var dane = root.GetProperty("dane");
        Assert.Equal("mismatch", dane.GetProperty("outcome").GetString());
        Assert.Equal("secure", dane.GetProperty("srvDnssec").GetString());
        Assert.Equal("secure", dane.GetProperty("tlsaDnssec").GetString());
        Assert.Contains(root.GetProperty("steps").EnumerateArray(), s => s.GetProperty("dnssec").GetString() == "secure");
    }

    public void Dispose() => _directory.Dispose();

    private Task<(int ExitCode, string Output)> RunCheckAsync(string domain, params string[] extra) =>
        CheckCommandRunner.RunAsync(_directory, world.Authority.Certificate, world.Dns.ResolverEndPoint, domain, extra);
}

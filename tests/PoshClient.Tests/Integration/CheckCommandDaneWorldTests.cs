using System.Diagnostics;
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

    private async Task<(int ExitCode, string Output)> RunCheckAsync(string domain, params string[] extra)
    {
        var trust = _directory.Combine("roots.pem");
        await File.WriteAllTextAsync(trust, world.Authority.Certificate.ExportCertificatePem() + "\n");
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "PoshServer"))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory.Path,
        };
        foreach (var argument in new[] { "check", domain, "--dns-server", world.Dns.ResolverEndPoint.ToString(), "--trust", trust }.Concat(extra))
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException ex)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("check did not finish within 60 s:\n" + await stdout + await stderr, ex);
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}

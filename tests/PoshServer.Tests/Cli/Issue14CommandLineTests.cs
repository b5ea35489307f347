using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using PoshServer.Acme;
using PoshServer.Cli;
using PoshTesting;

namespace PoshServer.Tests.Cli;

/// <summary>Issue 14, CLI and start-up: structured output, distinct exit codes, every start-up problem in one run.</summary>
public sealed class Issue14CommandLineTests : IDisposable
{
    // This class's own loopback address for listeners it occupies.
    private static readonly IPAddress s_address = IPAddress.Parse("127.0.76.1");

    private readonly TenantWorld _world = new();

    public void Dispose() => _world.Dispose();

    [Fact]
    public void Issue14_ExitCodes_ReadmeTableListsExactlyThem()
    {
        var defined = typeof(ExitCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .ToDictionary(f => f.Name, f => (int)f.GetRawConstantValue()!);

        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var section = readme[readme.IndexOf("### Exit codes", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n#", 1, StringComparison.Ordinal)];
        var documented = Regex.Matches(section, @"^\| (?<code>\d+) \| `(?<name>\w+)` \|", RegexOptions.Multiline | RegexOptions.ExplicitCapture, TimeSpan.FromSeconds(1))
            .ToDictionary(m => m.Groups["name"].Value, m => int.Parse(m.Groups["code"].Value, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(defined.OrderBy(p => p.Key, StringComparer.Ordinal), documented.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(defined.Count, defined.Values.Distinct().Count());
    }

    [Theory]
    [InlineData("--Tenants:Directory=/etc/posh", true, false)]
    [InlineData("--Tenants:Directory", true, true)]
    [InlineData("Tenants:Directory=x", true, false)]
    [InlineData("/Https:Port=443", true, false)]
    [InlineData("--environment", true, true)]
    [InlineData("--jsno", false, false)]
    [InlineData("exprot", false, false)]
    [InlineData("/etc/posh/tenants", false, false)]
    public void Issue14_IsConfigurationKey_OnlySectionKeys(string token, bool expected, bool valueFollows)
    {
        Assert.Equal(expected, CommandLineUsage.IsConfigurationKey(token, out var follows));
        Assert.Equal(valueFollows, follows);
    }

    [Fact]
    public void Issue14_StartupProblem_ExitCodeIsThatOfTheFirstKindInOrder()
    {
        StartupProblem[] problems = [new(ExitCodes.BindFailed, "b"), new(ExitCodes.InvalidTenants, "t"), new(ExitCodes.CertificateProblem, "c")];

        Assert.Equal(ExitCodes.CertificateProblem, StartupProblem.ExitCodeOf(problems));
        Assert.Equal(ExitCodes.InvalidConfiguration, StartupProblem.ExitCodeOf([.. problems, new(ExitCodes.InvalidConfiguration, "o")]));
    }

    [Theory]
    [InlineData("exprot", "'export'")]
    [InlineData("certificate", "'certificates'")]
    [InlineData("--bogus", null)]
    public async Task Issue14_UnknownCommandOrOption_IsUsageErrorWithSuggestion(string token, string? suggestion)
    {
        var (exitCode, output, error) = await RunAsync(token, $"--Tenants:Directory={_world.Path}", "--Https:Port=0", "--Https:HttpPort=0", "--Admin:Enabled=false");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Empty(output);
        if (suggestion is not null)
        {
            Assert.Contains(suggestion, error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Issue14_CertificatesList_UnknownOption_IsUsageError()
    {
        var (exitCode, _, error) = await RunAsync("certificates", "list", "--jsno");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("'--json'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue14_CertificatesList_ReadsAcmeStoragePathAndShowsRemovedNames()
    {
        var storage = _world.Combine("acme-store");
        using (var files = new AcmeStorage(storage))
        {
            foreach (var name in new[] { "kept.example.test", "gone.example.test" })
            {
                await files.SaveStateAsync(new AcmeNameState
                {
                    HostName = name,
                    Status = AcmeNameStatus.Valid,
                    NotAfter = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero),
                    RenewAt = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
                });
            }
        }

        var (exitCode, output, _) = await RunAsync(
            "certificates", "list", "--json", $"--Acme:StoragePath={storage}", "--Acme:HostNames:0=kept.example.test", $"--Tenants:Directory={_world.Path}");

        Assert.Equal(ExitCodes.Success, exitCode);
        using var json = JsonDocument.Parse(output);
        var states = json.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("hostName").GetString()!, e => e.Clone());
        Assert.Equal("Valid", states["kept.example.test"].GetProperty("status").GetString());
        Assert.True(states["kept.example.test"].TryGetProperty("renewAt", out _));
        Assert.Equal("Removed", states["gone.example.test"].GetProperty("status").GetString());
        Assert.False(states["gone.example.test"].TryGetProperty("renewAt", out _));
    }

    [Fact]
    public async Task Issue14_TenantsCheck_JsonStdoutIsOnlyJsonAndLookupsUseTheDnsServerGiven()
    {
        _world.WriteTenant("shop.test.yaml", "domain: shop.test\nservices: [xmpp-server]\n");
        await using var dns = await DnsmasqServer.StartAsync([DnsmasqRecord.Srv("_xmpp-server._tcp.shop.test", "xmpp.hosting.test", 5269)]);

        var (exitCode, output, _) = await RunAsync(
            "tenants", "check", "--json", "--dns-server", dns.EndPoint.ToString(), $"--Tenants:Directory={_world.Path}",
            "--TenantChecks:XmppHosts:0=xmpp.hosting.test", "--TenantChecks:Timeout=00:00:20", "--Logging:LogLevel:Default=Information");

        // The web document and the live endpoint cannot be reached in this world: the tenant fails, its SRV check passes.
        Assert.Equal(ExitCodes.CheckFailed, exitCode);
        using var json = JsonDocument.Parse(output);
        var tenant = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("shop.test", tenant.GetProperty("domain").GetString());
        Assert.Contains(tenant.GetProperty("findings").EnumerateArray(), f => f.GetProperty("area").GetString() == "Srv" && f.GetProperty("verdict").GetString() == "Pass");
    }

    [Fact]
    public async Task Issue14_TenantsCheckULabel_ChecksTheIdnTenantThroughTheDnsServerGiven()
    {
        _world.WriteTenant("buecher.yaml", "domain: bücher.example\nservices: [xmpp-server]\n");
        await using var dns = await DnsmasqServer.StartAsync([DnsmasqRecord.Srv("_xmpp-server._tcp.xn--bcher-kva.example", "xmpp.hosting.test", 5269)]);

        var (exitCode, output, _) = await RunAsync(
            "tenants", "check", "BÜCHER.example.", "--json", "--dns-server", dns.EndPoint.ToString(), $"--Tenants:Directory={_world.Path}",
            "--TenantChecks:XmppHosts:0=xmpp.hosting.test", "--TenantChecks:Timeout=00:00:20");

        // Selected by its U-label in any case with a trailing dot, looked up by its A-label.
        Assert.Equal(ExitCodes.CheckFailed, exitCode);
        using var json = JsonDocument.Parse(output);
        var tenant = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("xn--bcher-kva.example", tenant.GetProperty("domain").GetString());
        Assert.Contains(tenant.GetProperty("findings").EnumerateArray(), f => f.GetProperty("area").GetString() == "Srv" && f.GetProperty("verdict").GetString() == "Pass");
    }

    [Fact]
    public async Task Issue14_TenantsCheck_UnusableDnsServer_IsConfigurationError()
    {
        var (exitCode, output, error) = await RunAsync("tenants", "check", "--json", "--dns-server", "not-an-address", $"--Tenants:Directory={_world.Path}");

        Assert.Equal(ExitCodes.InvalidConfiguration, exitCode);
        Assert.Empty(output);
        Assert.Contains("PoshClient:DnsServers:0", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue14_Check_Json_HasOutcomeLookupStatusAndEffectiveExpiry()
    {
        await using var dns = await DnsmasqServer.StartAsync([]);

        var (exitCode, output, _) = await RunAsync("check", "nobody.test", "--json", "--dns-server", dns.EndPoint.ToString());

        Assert.Equal(ExitCodes.CheckFailed, exitCode);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("unreachable", root.GetProperty("outcome").GetString());
        Assert.False(root.GetProperty("accepted").GetBoolean());
        Assert.NotEqual("found", root.GetProperty("poshLookupStatus").GetString());
        Assert.True(root.TryGetProperty("poshCacheUntil", out _));
        Assert.False(root.TryGetProperty("poshEffectiveExpires", out _));
    }

    [Fact]
    public async Task Issue14_Serve_PortInUse_OneLineNamingTheAddressAndBindExitCode()
    {
        using var occupied = new TcpListener(s_address, 0);
        occupied.Start();
        var port = ((IPEndPoint)occupied.LocalEndpoint).Port;

        var (exitCode, output, error) = await ServeAsync($"--Https:Address={s_address}", $"--Https:Port={port}");

        Assert.Equal(ExitCodes.BindFailed, exitCode);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains($"{s_address}:{port}", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Admin:Address=0.0.0.0")]
    [InlineData("--Admin:Address=::ffff:127.0.0.1")]
    [InlineData("--Admin:BearerToken=                ")]
    public async Task Issue14_Serve_UnsafeOrUnbindableAdminSettings_ExitThreeWithoutStackTrace(string setting)
    {
        var (exitCode, output, error) = await ServeAsync("--Admin:Enabled=true", "--Admin:Port=0", setting);

        Assert.Equal(ExitCodes.InvalidConfiguration, exitCode);
        Assert.Contains("Admin:", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue14_Serve_BadPublicBaseUrlAndMissingKey_ReportsBoth()
    {
        var (exitCode, output, error) = await ServeAsync(
            "--Posh:PublicBaseUrl=http://posh.hosting.test",
            $"--Https:Certificates:0:CertificateFile={_world.Combine("certs/hosting.pem")}",
            $"--Https:Certificates:0:KeyFile={_world.Combine("certs/missing.key")}");

        Assert.Equal(ExitCodes.InvalidConfiguration, exitCode);
        Assert.Contains("Posh:PublicBaseUrl", error, StringComparison.Ordinal);
        Assert.Contains("Https:Certificates:0", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue14_Serve_MissingKeyAtFirstStart_CertificateExitCodeAndNoKeepsServingLog()
    {
        var (exitCode, output, error) = await ServeAsync(
            $"--Https:Certificates:0:CertificateFile={_world.Combine("certs/hosting.pem")}",
            $"--Https:Certificates:0:KeyFile={_world.Combine("certs/missing.key")}");

        Assert.Equal(ExitCodes.CertificateProblem, exitCode);
        Assert.Contains("Https:Certificates:0", error, StringComparison.Ordinal);
        // Event 3 says "the previous certificate keeps serving": at first start there is none.
        Assert.DoesNotContain("HttpsCertificateFileService[3]", output + error, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Output, string Error)> ServeAsync(params string[] settings) =>
        RunAsync(["serve", $"--Tenants:Directory={_world.Path}", $"--Https:Address={s_address}", "--Https:Port=0", "--Https:HttpPort=0", "--Admin:Enabled=false", .. settings]);

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => PoshServerProcess.RunAsync(args);
}

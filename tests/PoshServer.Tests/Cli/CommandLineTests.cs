using System.Security.Cryptography;
using System.Text.Json;

namespace PoshServer.Tests.Cli;

/// <summary>The real executable, as an operator runs it.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly TenantWorld _world = new();

    public void Dispose() => _world.Dispose();

    [Fact]
    public async Task TenantsValidate_ValidDirectory_ExitsZero()
    {
        _world.WriteTenant("example.com.yaml", "domain: example.com\n");

        var (exitCode, output, _) = await RunAsync("tenants", "validate", _world.Path);

        Assert.Equal(0, exitCode);
        Assert.Contains("OK: 1 tenants, 1 certificate sets, 0 warning(s).", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TenantsValidate_InvalidFiles_ExitsOneAndPrintsEveryError()
    {
        _world.WriteTenant("a.yaml", "domain: example.com\nexpire: 1\n");
        _world.WriteTenant("b.yaml", "domain: bad_domain\n");

        var (exitCode, output, _) = await RunAsync("tenants", "validate", _world.Path);

        Assert.Equal(1, exitCode);
        Assert.Contains("a.yaml:2:1: error: unknown key 'expire'. Fix: Did you mean 'expires'?", output, StringComparison.Ordinal);
        Assert.Contains("b.yaml:1:9: error: 'bad_domain' is not a valid domain name", output, StringComparison.Ordinal);
        Assert.Contains("INVALID: 2 error(s), 0 warning(s).", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TenantsValidate_Json_IsMachineReadable()
    {
        _world.WriteTenant("a.yaml", "domain: example.com\nexpire: 1\n");

        var (exitCode, output, _) = await RunAsync("tenants", "validate", _world.Path, "--json");

        Assert.Equal(1, exitCode);
        using var json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("valid").GetBoolean());
        var item = Assert.Single(json.RootElement.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal(2, item.GetProperty("line").GetInt32());
        Assert.Equal("error", item.GetProperty("severity").GetString());
    }

    [Fact]
    public async Task TenantsList_Json_ListsTenantsWithCertificates()
    {
        _world.WriteTenant("example.com.yaml", "domain: example.com\nservices: [xmpp-server]\n");

        var (exitCode, output, _) = await RunAsync("tenants", "list", "--json", $"--Tenants:Directory={_world.Path}");

        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(output);
        var tenant = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("example.com", tenant.GetProperty("domain").GetString());
        Assert.Equal("xmpp-server", Assert.Single(tenant.GetProperty("services").EnumerateArray()).GetString());
        Assert.Equal(Sha256(_world.HosterCertificate!.RawData), Assert.Single(tenant.GetProperty("certificates").EnumerateArray()).GetProperty("sha256").GetString());
    }

    [Fact]
    public async Task Reference_PrintsTheTenantsFile()
    {
        _world.WriteTenant("example.com.yaml", "domain: example.com\nreference_expires: 3600\n");

        var (exitCode, output, _) = await RunAsync("reference", "example.com", "--service", "xmpp-client", $"--Tenants:Directory={_world.Path}", "--Posh:PublicBaseUrl=https://posh.hosting.test");

        Assert.Equal(0, exitCode);
        Assert.Equal("""{"url":"https://posh.hosting.test/posh/example.com/xmpp-client.json","expires":3600}""", output.Trim());
    }

    [Fact]
    public async Task Reference_UnknownTenant_ExitsTwo()
    {
        var (exitCode, _, error) = await RunAsync("reference", "nobody.example", $"--Tenants:Directory={_world.Path}");

        Assert.Equal(2, exitCode);
        Assert.Contains("No tenant 'nobody.example'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fingerprint_PrintsTheDocumentOfTheLeaf()
    {
        var (exitCode, output, _) = await RunAsync("fingerprint", _world.Combine("certs/hosting.pem"), "--expires", "600");

        Assert.Equal(0, exitCode);
        Assert.StartsWith("{\"fingerprints\":[{\"sha-256\":\"" + Sha256(_world.HosterCertificate!.RawData) + "\"", output, StringComparison.Ordinal);
        Assert.EndsWith("\"expires\":600}", output.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fingerprint_MissingFile_ExitsTwo()
    {
        var (exitCode, _, error) = await RunAsync("fingerprint", _world.Combine("certs/none.pem"));

        Assert.Equal(2, exitCode);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsTheCommands()
    {
        var (exitCode, output, _) = await RunAsync("--help");

        Assert.Equal(0, exitCode);
        foreach (var command in new[] { "serve", "tenants", "reference", "fingerprint" })
        {
            Assert.Contains(command, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Serve_InvalidTenants_RefusesToStartAndPrintsEveryProblem()
    {
        _world.WriteTenant("a.yaml", "domain: example.com\nexpire: 1\n");
        _world.WriteTenant("b.yaml", "domain: example.com\n");

        var (exitCode, _, error) = await RunAsync("serve", $"--Tenants:Directory={_world.Path}", "--Https:Port=0", "--Https:HttpPort=0", "--Https:Address=127.0.0.1");

        Assert.Equal(1, exitCode);
        Assert.Contains("PoshServer cannot start: 1 problem(s).", error, StringComparison.Ordinal);
        Assert.Contains("unknown key 'expire'", error, StringComparison.Ordinal);
    }

    private static string Sha256(byte[] der) => Convert.ToBase64String(SHA256.HashData(der));

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => PoshServerProcess.RunAsync(args);
}

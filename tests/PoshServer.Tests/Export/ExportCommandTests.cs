using PoshServer.Tests.Cli;
using PoshTesting;

namespace PoshServer.Tests.Export;

/// <summary><c>export</c> through the real executable, as an operator or a cron job runs it.</summary>
public sealed class ExportCommandTests : IDisposable
{
    private readonly TenantWorld _world = new();
    private readonly TempDirectory _export = new("posh-export-cli-");

    public void Dispose()
    {
        _world.Dispose();
        _export.Dispose();
    }

    [Fact]
    public async Task Export_ValidTenants_WritesCurrentVersionAndNginxConfiguration()
    {
        _world.WriteTenant("example.com.yaml", "domain: example.com\n");

        var (exitCode, output, error) = await RunAsync("export", _export.Path, "--tenants", _world.Path, "--Posh:PublicBaseUrl=https://posh.hosting.test", "--nginx-dir", "/srv/posh");

        Assert.True(exitCode == 0, error);
        Assert.Contains("Exported generation 1:", output, StringComparison.Ordinal);
        Assert.True(File.Exists(_export.Combine("current", "hosts", "example.com", ".well-known", "posh", "xmpp-server.json")));
        Assert.True(File.Exists(_export.Combine("current", "hosts", "localhost", "posh", "example.com", "reference", "xmpp-server.json")));
        Assert.Contains("root \"/srv/posh/current/hosts/$host\";", await File.ReadAllTextAsync(_export.Combine("nginx", "poshserver.conf")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_InvalidTenants_ExitsOneAndExportsNothing()
    {
        _world.WriteTenant("a.yaml", "domain: example.com\nexpire: 1\n");

        var (exitCode, _, error) = await RunAsync("export", _export.Path, "--tenants", _world.Path);

        Assert.Equal(1, exitCode);
        Assert.Contains("unknown key 'expire'", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_export.Combine("current")));
    }

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => PoshServerProcess.RunAsync(args);
}

using System.CommandLine;
using System.Text.Json;
using PoshServer.Acme;
using PoshTesting;

namespace PoshServer.Tests.Acme;

public sealed class AcmeCertificatesCommandTests : IDisposable
{
    private readonly TempDirectory _directory = new("acme-command-");

    [Fact]
    public async Task CreateListCommand_Json_PrintsEveryStoredState()
    {
        // Arrange
        await SeedAsync();
        var output = new StringWriter();

        // Act
        var exit = await AcmeCertificatesCommand.CreateListCommand().Parse(["--json", "--storage", _directory.Path, .. ConfiguredNames])
            .InvokeAsync(new InvocationConfiguration { Output = output });

        // Assert
        Assert.Equal(0, exit);
        using var document = JsonDocument.Parse(output.ToString());
        var names = document.RootElement.EnumerateArray().Select(e => e.GetProperty("hostName").GetString()!).ToArray();
        Assert.Equal(["a.example.test", "b.example.test"], names);
        Assert.Equal("Valid", document.RootElement[0].GetProperty("status").GetString());
        Assert.True(document.RootElement[0].TryGetProperty("renewAt", out _));
    }

    [Fact]
    public async Task CreateListCommand_Table_ShowsStateExpiryAndNextAttempt()
    {
        await SeedAsync();
        var output = new StringWriter();

        await AcmeCertificatesCommand.CreateListCommand().Parse(["--storage", _directory.Path, .. ConfiguredNames]).InvokeAsync(new InvocationConfiguration { Output = output });

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("NAME", lines[0], StringComparison.Ordinal);
        Assert.Contains("2027-01-01 00:00:00Z", lines[1], StringComparison.Ordinal);
        Assert.Contains("2026-09-01 00:00:00Z", lines[1], StringComparison.Ordinal);
        Assert.Contains("RateLimited", lines[2], StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();

    // Both stored names are still configured (a name that is not is listed as Removed: CommandLineTests).
    private string[] ConfiguredNames =>
        ["--Acme:HostNames:0=a.example.test", "--Acme:HostNames:1=b.example.test", $"--Tenants:Directory={Path.Combine(_directory.Path, "no-tenants")}"];

    private async Task SeedAsync()
    {
        using var storage = new AcmeStorage(_directory.Path);
        await storage.SaveStateAsync(new AcmeNameState
        {
            HostName = "a.example.test",
            Status = AcmeNameStatus.Valid,
            NotAfter = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero),
            RenewAt = new DateTimeOffset(2026, 9, 1, 0, 0, 0, TimeSpan.Zero),
        });
        await storage.SaveStateAsync(new AcmeNameState
        {
            HostName = "b.example.test",
            Status = AcmeNameStatus.RateLimited,
            FailureCount = 1,
            LastError = "urn:ietf:params:acme:error:rateLimited: too many",
            NextAttempt = new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero),
        });
    }
}

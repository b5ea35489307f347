using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PoshServer.Posh;
using PoshServer.Tests.Cli;
using PoshTesting;

namespace PoshServer.Tests.Posh;

/// <summary>The hoster's own names (Posh:HostNames): how they are configured, normalised and matched against the Host header.</summary>
public sealed class PoshHostNamesTests
{
    private const string ULabelHoster = "pösh.hosting.test";

    private static readonly string s_aLabelHoster = new IdnMapping().GetAscii(ULabelHoster);

    [Theory]
    [InlineData("pösh.hosting.test")]
    [InlineData("PÖSH.Hosting.Test.")]
    [InlineData("xn--psh-sna.hosting.test")]
    [InlineData("XN--PSH-SNA.hosting.test.")]
    public void Contains_AnySpellingConfigured_MatchesTheALabelHost(string configured)
    {
        // Arrange
        var names = new PoshHostNames(Options.Create(new PoshOptions { HostNames = [configured] }));

        // Act / Assert
        Assert.Equal(["xn--psh-sna.hosting.test"], names.All);
        Assert.True(names.Contains("xn--psh-sna.hosting.test"));
        Assert.True(names.Contains("XN--PSH-SNA.HOSTING.TEST"));
    }

    [Theory]
    [InlineData("localhost", true)]
    [InlineData("LocalHost.", true)]
    [InlineData("pösh.hosting.test", true)]
    [InlineData("posh", false)]
    [InlineData("posh..hosting.test", false)]
    [InlineData("posh_hosting.test", false)]
    [InlineData("xn--a.hosting.test", false)]
    [InlineData("192.0.2.1", false)]
    public void Validate_HostName_OneRuleForEveryName(string hostName, bool valid)
    {
        // Act
        var result = new PoshOptionsValidator().Validate(null, new PoshOptions { HostNames = [hostName], PublicBaseUrl = new Uri("https://posh.hosting.test") });

        // Assert
        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains($"Posh:HostNames contains '{hostName}'", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Issue14_ULabelHosterName_ServesTheHosterDocumentsForTheALabelHost()
    {
        // Arrange: the hoster name configured as typed (a U-label); clients send the A-label in Host and SNI.
        using var world = new TenantWorld();
        world.WriteTenant("example.com.yaml", "domain: example.com\n");
        world.WriteTenant("bücher.yaml", "domain: bücher.example\n");
        await using var server = await PoshServerHost.StartAsync(world.Path, null, $"--Posh:HostNames:1={ULabelHoster}");
        using var client = server.CreateClient();

        // Act
        using var wellKnown = await client.GetAsync($"https://{s_aLabelHoster}/.well-known/posh/xmpp-server.json");
        using var tenantUrl = await client.GetAsync($"https://{s_aLabelHoster}/posh/example.com/xmpp-server.json");
        using var idnTenantUrl = await client.GetAsync($"https://{s_aLabelHoster}/posh/bücher.example/xmpp-server.json");
        using var idnTenantALabelUrl = await client.GetAsync($"https://{s_aLabelHoster}/posh/xn--bcher-kva.example/xmpp-server.json");

        // Assert
        Assert.Equal(HttpStatusCode.OK, wellKnown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, tenantUrl.StatusCode);
        Assert.Equal(HttpStatusCode.OK, idnTenantUrl.StatusCode);
        Assert.Equal(HttpStatusCode.OK, idnTenantALabelUrl.StatusCode);
    }

    [Fact]
    public void Issue14_CommandLineHostNames_ReplaceTheDefaultListWholesale()
    {
        // Arrange: the operator names one hoster name, as README shows (--Posh:HostNames:0=…).
        using var world = new TenantWorld();
        var builder = PoshServerApp.CreateBuilder([$"--Tenants:Directory={world.Path}", "--Posh:HostNames:0=posh.operator.test", "--Posh:PublicBaseUrl=https://posh.operator.test"]);

        // Act
        using var provider = builder.Services.BuildServiceProvider();
        var names = provider.GetRequiredService<PoshHostNames>().All;

        // Assert: exactly the operator's names; no example or default name survives as a hoster name.
        Assert.Equal(["posh.operator.test"], names);
    }

    [Fact]
    public void Defaults_WithoutConfiguration_OnlyLocalhost()
    {
        // Arrange
        using var world = new TenantWorld();
        var builder = PoshServerApp.CreateBuilder([$"--Tenants:Directory={world.Path}"]);

        // Act
        using var provider = builder.Services.BuildServiceProvider();
        var names = provider.GetRequiredService<PoshHostNames>().All;

        // Assert
        Assert.Equal(["localhost"], names);
    }

    [Fact]
    public async Task Issue14_EnvironmentHostNames_ReplaceTheDefaultListWholesale()
    {
        // Arrange: Posh__HostNames__0 in the environment (a container's -e), seen through what the export writes per host.
        using var world = new TenantWorld();
        world.WriteTenant("example.com.yaml", "domain: example.com\n");
        using var export = new TempDirectory("posh-export-");
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["Posh__HostNames__0"] = "Pösh.Operator.Test." };

        // Act
        var (exitCode, _, error) = await PoshServerProcess.RunAsync(environment, "export", export.Path, "--tenants", world.Path, "--Posh:PublicBaseUrl=https://posh.operator.test");

        // Assert
        Assert.True(exitCode == 0, error);
        var hosts = Directory.GetDirectories(export.Combine("current", "hosts")).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(["example.com", "xn--psh-sna.operator.test"], hosts);
    }
}

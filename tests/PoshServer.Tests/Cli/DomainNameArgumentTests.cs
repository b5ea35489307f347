using PoshServer.TenantChecks;
using PoshServer.Tenants;

namespace PoshServer.Tests.Cli;

/// <summary>Domain names typed on the command line: any spelling names the tenant, a bad one says why (issue 14).</summary>
public sealed class DomainNameArgumentTests : IDisposable
{
    private readonly TenantWorld _world = new();

    public DomainNameArgumentTests()
    {
        _world.WriteTenant("bücher.yaml", "domain: bücher.example\n");
        _world.WriteTenant("example.com.yaml", "domain: example.com\n");
        _world.WriteTenant("off.yaml", "domain: off.example\ndisabled: true\n");
    }

    public void Dispose() => _world.Dispose();

    [Theory]
    [InlineData("bücher.example")]
    [InlineData("BÜCHER.example.")]
    [InlineData("xn--bcher-kva.example")]
    [InlineData("XN--BCHER-KVA.EXAMPLE")]
    public void Issue14_TenantsCheckULabelArgument_SelectsTheIdnTenant(string argument)
    {
        // Act
        var selected = TenantsCheckCommand.SelectTenants(LoadSnapshot(), argument, out var problem);

        // Assert
        Assert.Null(problem);
        Assert.Equal("xn--bcher-kva.example", Assert.Single(selected).Tenant.Domain);
    }

    [Fact]
    public void TenantsCheckSelect_NoArgument_EveryEnabledTenantInOrder()
    {
        // Act
        var selected = TenantsCheckCommand.SelectTenants(LoadSnapshot(), null, out var problem);

        // Assert
        Assert.Null(problem);
        Assert.Equal(["example.com", "xn--bcher-kva.example"], selected.Select(t => t.Tenant.Domain));
    }

    [Theory]
    [InlineData("off.example", "'off.example' is not an enabled tenant.")]
    [InlineData("nobody.example", "'nobody.example' is not an enabled tenant.")]
    [InlineData("bücher..example", "'bücher..example' is not a valid domain name: it has an empty label.")]
    [InlineData("bücher", "'bücher' has a single label; a fully qualified name like example.com is needed.")]
    public void TenantsCheckSelect_NoSuchTenant_SaysWhy(string argument, string expected)
    {
        // Act
        var selected = TenantsCheckCommand.SelectTenants(LoadSnapshot(), argument, out var problem);

        // Assert
        Assert.Empty(selected);
        Assert.Equal(expected, problem);
    }

    [Fact]
    public async Task TenantsCheck_InvalidName_ExitsTwoWithTheReasonBeforeAnyLookup()
    {
        // Act
        var (exitCode, output, error) = await PoshServerProcess.RunAsync("tenants", "check", "xn--a.example", $"--Tenants:Directory={_world.Path}");

        // Assert
        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains("'xn--a.example' is not a valid domain name", error, StringComparison.Ordinal);
        Assert.Contains("IDNA", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reference_ULabelArgument_PrintsTheIdnTenantsFile()
    {
        // Act
        var (exitCode, output, _) = await PoshServerProcess.RunAsync("reference", "BÜCHER.example.", $"--Tenants:Directory={_world.Path}", "--Posh:PublicBaseUrl=https://posh.hosting.test");

        // Assert
        Assert.Equal(0, exitCode);
        Assert.StartsWith("""{"url":"https://posh.hosting.test/posh/xn--bcher-kva.example/xmpp-server.json""", output.Trim(), StringComparison.Ordinal);
    }

    private TenantSnapshot LoadSnapshot()
    {
        var result = _world.CreateBuilder(TimeProvider.System).Load(lastGood: null);
        Assert.Empty(result.Diagnostics);
        return result.Snapshot;
    }
}

using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PoshServer.Cluster;
using PoshServer.Cluster.Files;
using PoshTesting;

namespace PoshServer.Tests.Cluster;

/// <summary>Issue 10, start-up without state: its cost follows what is stored, not the number of configured names.</summary>
public sealed class ClusterStartupTests
{
    [Fact]
    public async Task LoadBeforeStart_ThousandAcmeNamesNothingStored_ReadsTheStoreAtMostTwice()
    {
        // Arrange: 1,000 ACME names, an empty shared store.
        using var tenants = new TenantWorld();
        using var state = new TempDirectory("posh-startup-");
        var store = new CountingClusterStore(new FilesClusterStore([]));
        string[] arguments =
        [
            $"--Tenants:Directory={tenants.Path}",
            $"--Rotation:StatePath={state.Combine("rotation.json")}",
            "--Admin:Enabled=false",
            "--TenantChecks:Background=false",
            "--Posh:HostNames:0=posh.hosting.test",
            "--Posh:PublicBaseUrl=https://posh.hosting.test",
            "--Logging:LogLevel:Default=Warning",
            "--Acme:Enabled=true",
            "--Acme:DirectoryUrl=https://127.0.62.250/directory",
            "--Acme:AcceptTermsOfService=true",
            $"--Acme:StoragePath={state.Combine("acme")}",
            .. Enumerable.Range(0, 1000).Select(i => string.Create(CultureInfo.InvariantCulture, $"--Acme:HostNames:{i}=name{i}.hosting.test")),
        ];
        var builder = PoshServerApp.CreateBuilder(arguments);
        builder.Services.AddSingleton<IClusterStore>(store);
        await using var app = PoshServerApp.Build(builder);

        // Act
        var problems = TestStartup.LoadBeforeStart(app);

        // Assert: every state in one request, every stored item in another; nothing per name.
        Assert.Empty(problems);
        Assert.InRange(store.Reads, 1, 2);
    }
}

using Microsoft.Extensions.Options;
using PoshServer.Certificates;
using PoshServer.Posh;
using PoshServer.Tenants;

namespace PoshServer.Tests.Tenants;

/// <summary>The shipped examples load; Schema/TenantSchemaTests checks them and the loader against schema/.</summary>
public sealed class ExampleTenantsTests
{
    [Fact]
    public void ExampleTenantsDirectory_LoadsWithoutDiagnostics()
    {
        var builder = new TenantCatalogBuilder(
            Options.Create(new TenantsOptions { Directory = RepositoryPaths.Combine("tenants") }),
            Options.Create(new PoshOptions { HostNames = ["posh.hosting.example"], PublicBaseUrl = new Uri("https://posh.hosting.example") }),
            new CertificateFileCache(),
            TimeProvider.System);

        var result = builder.Load(lastGood: null);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(["example.com", "example.org", "xn--bcher-kva.example"], result.Snapshot.Tenants.Keys.Order(StringComparer.Ordinal));
    }
}

using System.Text.Json;
using Microsoft.Extensions.Options;
using PoshServer.Certificates;
using PoshServer.Posh;
using PoshServer.Tenants;

namespace PoshServer.Tests.Tenants;

/// <summary>The shipped examples and the JSON Schemas stay true to the loader.</summary>
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

    [Fact]
    public void TenantSchema_DescribesExactlyTheKeysTheParserAccepts()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(RepositoryPaths.Combine("schema", "tenant.schema.json")));

        var properties = schema.RootElement.GetProperty("properties").EnumerateObject().Select(p => p.Name);

        Assert.Equal(TenantFileParser.Keys.Order(StringComparer.Ordinal), properties.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void CertificateSetsSchema_DescribesExactlyTheKeysTheParserAccepts()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(RepositoryPaths.Combine("schema", "certificate-sets.schema.json")));

        var properties = schema.RootElement.GetProperty("additionalProperties").GetProperty("properties").EnumerateObject().Select(p => p.Name);

        Assert.Equal(CertificateSetFileParser.Keys.Order(StringComparer.Ordinal), properties.Order(StringComparer.Ordinal));
    }
}

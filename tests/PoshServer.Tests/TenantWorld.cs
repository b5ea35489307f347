using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PoshServer.Certificates;
using PoshServer.Posh;
using PoshServer.Tenants;
using PoshTesting;

namespace PoshServer.Tests;

/// <summary>A temporary tenants directory with a certificate sets file and certificates minted for the test.</summary>
internal sealed class TenantWorld : IDisposable
{
    private readonly TempDirectory _directory = new("posh-tenants-");

    public TenantWorld(bool withDefaultSet = true)
    {
        Directory.CreateDirectory(Combine("certs"));
        if (withDefaultSet)
        {
            HosterCertificate = TestCertificates.SelfSigned(["xmpp.hosting.test"]);
            WriteCertificate("certs/hosting.pem", HosterCertificate);
            WriteSets("""
                default:
                  certificates:
                    - certs/hosting.pem
                """);
        }
    }

    public string Path => _directory.Path;

    public X509Certificate2? HosterCertificate { get; }

    public string Combine(string relative) => System.IO.Path.Combine(Path, relative);

    public string WriteSets(string yaml) => Write("_certificate-sets.yaml", yaml);

    public string WriteTenant(string fileName, string yaml) => Write(fileName, yaml);

    public string Write(string relative, string text)
    {
        var path = Combine(relative);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Writes through a temporary file and a rename, as editors and config management tools do.</summary>
    public void WriteAtomically(string relative, string text)
    {
        var temp = Combine("." + relative + ".tmp");
        File.WriteAllText(temp, text);
        File.Move(temp, Combine(relative), overwrite: true);
    }

    public string WriteCertificate(string relative, X509Certificate2 certificate) =>
        Write(relative, certificate.ExportCertificatePem() + "\n");

    public void Delete(string relative) => File.Delete(Combine(relative));

    /// <summary>
    /// A catalog builder over this directory as the server builds one, for the hoster name
    /// <c>posh.hosting.test</c>; <paramref name="configure"/> changes the tenants options.
    /// </summary>
    public TenantCatalogBuilder CreateBuilder(TimeProvider time, Action<TenantsOptions>? configure = null, TenantFileSettler? settler = null) =>
        new(Options.Create(CreateOptions(configure)), Options.Create(new PoshOptions { HostNames = ["posh.hosting.test"], PublicBaseUrl = new Uri("https://posh.hosting.test") }), new CertificateFileCache(), time, settler: settler);

    /// <summary>A store over <see cref="CreateBuilder"/>, logging to <paramref name="logger"/> (default: nowhere).</summary>
    public TenantStore CreateStore(TimeProvider time, ILogger<TenantStore>? logger = null, Action<TenantsOptions>? configure = null) =>
        new(CreateBuilder(time, configure), time, logger ?? NullLogger<TenantStore>.Instance);

    /// <summary>The tenants options for this directory.</summary>
    public TenantsOptions CreateOptions(Action<TenantsOptions>? configure = null)
    {
        var options = new TenantsOptions { Directory = Path };
        configure?.Invoke(options);
        return options;
    }

    public void Dispose() => _directory.Dispose();
}

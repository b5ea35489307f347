using System.Security.Cryptography.X509Certificates;
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

    public void Dispose() => _directory.Dispose();
}

using System.Security.Cryptography.X509Certificates;
using PoshClient.Documents;
using PoshClient.Pkix;
using PoshTesting;

namespace PoshClient.Tests.Pkix;

/// <summary>Custom-root trust, built in one place for the POSH web client, the XMPP PKIX check, ACME and <c>check --trust</c>.</summary>
public sealed class TrustedRootsTests : IDisposable
{
    private readonly TestCertificateAuthority _authority = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("trusted-roots-").FullName;

    public void Dispose()
    {
        _authority.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void LoadPemFile_RootFile_TrustsExactlyThatRootWithoutRevocation()
    {
        // Arrange
        var path = Path.Combine(_directory, "root.pem");
        File.WriteAllText(path, _authority.Certificate.ExportCertificatePem());

        // Act
        var policy = TrustedRoots.LoadPemFile(path);

        // Assert
        Assert.Equal(X509ChainTrustMode.CustomRootTrust, policy.TrustMode);
        Assert.Equal(X509RevocationMode.NoCheck, policy.RevocationMode);
        var root = Assert.Single(policy.CustomTrustStore);
        Assert.Equal(_authority.Certificate.Thumbprint, root.Thumbprint);
    }

    [Fact]
    public void LoadPemFile_PolicyInPkixValidator_AcceptsLeafOfThatRootAndNotOthers()
    {
        // Arrange
        var path = Path.Combine(_directory, "root.pem");
        File.WriteAllText(path, _authority.Certificate.ExportCertificatePem());
        using var other = new TestCertificateAuthority("Other Root");
        using var trusted = _authority.Issue(["example.test"]);
        using var untrusted = other.Issue(["example.test"]);
        var validator = new PkixValidator(TrustedRoots.LoadPemFile(path), TimeProvider.System);

        // Act
        var accepted = validator.Validate("example.test", PoshService.XmppClient, trusted, []);
        var rejected = validator.Validate("example.test", PoshService.XmppClient, untrusted, []);

        // Assert
        Assert.True(accepted.IsValid, accepted.Reason);
        Assert.True(rejected.Failures.HasFlag(PkixFailures.UntrustedRoot), rejected.Reason);
    }

    [Fact]
    public void LoadPemFile_NoCertificateInFile_ThrowsInvalidDataNamingTheFile()
    {
        // Arrange
        var path = Path.Combine(_directory, "empty.pem");
        File.WriteAllText(path, "not a certificate\n");

        // Act
        var error = Assert.Throws<InvalidDataException>(() => TrustedRoots.LoadPemFile(path));

        // Assert
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateChainPolicy_NoRoots_Throws()
    {
        Assert.Throws<ArgumentException>(() => TrustedRoots.CreateChainPolicy([]));
    }

    [Fact]
    public void CreateHttpHandler_WebChainPolicy_AppliedWithoutCallbackSoNamesAreStillChecked()
    {
        // Arrange
        var options = new PoshClientOptions { WebChainPolicy = TrustedRoots.CreateChainPolicy([_authority.Certificate]) };

        // Act
        using var handler = PoshClient.Verification.PoshVerifier.CreateHttpHandler(options);

        // Assert
        Assert.Equal(X509ChainTrustMode.CustomRootTrust, handler.SslOptions.CertificateChainPolicy?.TrustMode);
        Assert.NotSame(options.WebChainPolicy, handler.SslOptions.CertificateChainPolicy);
        Assert.Null(handler.SslOptions.RemoteCertificateValidationCallback);
    }
}

using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PoshServer.Acme;

namespace PoshServer.Tests.Acme;

public sealed class AcmeAccountKeyTests
{
    [Fact]
    public void Thumbprint_AnyKey_IsSha256OfCanonicalJwk()
    {
        // Arrange
        using var key = AcmeAccountKey.Create();
        var parameters = key.Key.ExportParameters(false);
        var canonical = $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{Base64Url.EncodeToString(parameters.Q.X)}\",\"y\":\"{Base64Url.EncodeToString(parameters.Q.Y)}\"}}";

        // Act
        var thumbprint = key.Thumbprint;

        // Assert: RFC 7638 §3: required members only, lexicographic order, no whitespace.
        Assert.Equal(canonical, key.Jwk);
        Assert.Equal(Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))), thumbprint);
        Assert.Equal(43, thumbprint.Length);
        using var document = JsonDocument.Parse(key.Jwk);
        Assert.Equal(["crv", "kty", "x", "y"], document.RootElement.EnumerateObject().Select(p => p.Name), StringComparer.Ordinal);
    }

    [Fact]
    public void FromPem_ExportedKey_KeepsThumbprint()
    {
        // Arrange
        using var original = AcmeAccountKey.Create();

        // Act
        using var reloaded = AcmeAccountKey.FromPem(original.ExportPem());

        // Assert
        Assert.Equal(original.Thumbprint, reloaded.Thumbprint);
        Assert.Equal("tok." + original.Thumbprint, reloaded.KeyAuthorization("tok"));
    }

    [Fact]
    public void FromPem_P384Key_Throws()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        Assert.Throws<CryptographicException>(() => AcmeAccountKey.FromPem(p384.ExportPkcs8PrivateKeyPem()));
    }
}

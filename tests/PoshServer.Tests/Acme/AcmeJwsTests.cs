using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PoshServer.Acme;

namespace PoshServer.Tests.Acme;

public sealed class AcmeJwsTests
{
    private static readonly Uri s_url = new("https://ca.example.test/acme/order/1");

    [Fact]
    public void Sign_WithKeyId_FlattenedJwsWithP1363SignatureAndKid()
    {
        // Arrange
        using var key = AcmeAccountKey.Create();

        // Act
        var jws = AcmeJws.Sign(key, "https://ca.example.test/acct/7", "nonce-1", s_url, "{}"u8);

        // Assert
        using var document = JsonDocument.Parse(jws);
        var root = document.RootElement;
        Assert.Equal(["protected", "payload", "signature"], root.EnumerateObject().Select(p => p.Name), StringComparer.Ordinal);
        var protectedPart = root.GetProperty("protected").GetString()!;
        var payloadPart = root.GetProperty("payload").GetString()!;
        var signature = Base64Url.DecodeFromChars(root.GetProperty("signature").GetString()!);
        Assert.Equal(64, signature.Length);
        Assert.True(key.Key.VerifyData(Encoding.ASCII.GetBytes(protectedPart + "." + payloadPart), signature, HashAlgorithmName.SHA256));
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(protectedPart));
        Assert.Equal("ES256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal("https://ca.example.test/acct/7", header.RootElement.GetProperty("kid").GetString());
        Assert.Equal("nonce-1", header.RootElement.GetProperty("nonce").GetString());
        Assert.Equal(s_url.AbsoluteUri, header.RootElement.GetProperty("url").GetString());
        Assert.False(header.RootElement.TryGetProperty("jwk", out _));
    }

    [Fact]
    public void Sign_WithoutKeyIdAndEmptyPayload_CarriesJwkAndEmptyPayload()
    {
        // Arrange
        using var key = AcmeAccountKey.Create();

        // Act
        var jws = AcmeJws.Sign(key, keyId: null, "n", s_url, []);

        // Assert: POST-as-GET has the empty string as payload (RFC 8555 §6.3), not "{}".
        using var document = JsonDocument.Parse(jws);
        Assert.Equal(string.Empty, document.RootElement.GetProperty("payload").GetString());
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(document.RootElement.GetProperty("protected").GetString()!));
        Assert.Equal(key.Jwk, header.RootElement.GetProperty("jwk").GetRawText());
        Assert.False(header.RootElement.TryGetProperty("kid", out _));
    }

    [Fact]
    public void SignExternalAccountBinding_MacKey_Hs256OverAccountJwk()
    {
        // Arrange
        using var key = AcmeAccountKey.Create();
        var mac = RandomNumberGenerator.GetBytes(32);
        var newAccount = new Uri("https://ca.example.test/new-acct");

        // Act
        var eab = AcmeJws.SignExternalAccountBinding(key, "kid-1", mac, newAccount);

        // Assert (RFC 8555 §7.3.4)
        using var document = JsonDocument.Parse(eab);
        var protectedPart = document.RootElement.GetProperty("protected").GetString()!;
        var payloadPart = document.RootElement.GetProperty("payload").GetString()!;
        Assert.Equal(key.Jwk, Encoding.UTF8.GetString(Base64Url.DecodeFromChars(payloadPart)));
        var expected = HMACSHA256.HashData(mac, Encoding.ASCII.GetBytes(protectedPart + "." + payloadPart));
        Assert.Equal(expected, Base64Url.DecodeFromChars(document.RootElement.GetProperty("signature").GetString()!));
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(protectedPart));
        Assert.Equal("HS256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal("kid-1", header.RootElement.GetProperty("kid").GetString());
        Assert.Equal(newAccount.AbsoluteUri, header.RootElement.GetProperty("url").GetString());
    }
}

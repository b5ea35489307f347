using System.Security.Cryptography;
using System.Text;
using PoshServer.Cluster;

namespace PoshServer.Tests.Cluster;

public sealed class ClusterSecretProtectorTests
{
    private static readonly string s_old = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string s_new = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void Decrypt_AfterKeyRotation_OldCiphertextStillDecryptsWithPreviousKey()
    {
        // Arrange
        var before = new ClusterSecretProtector(s_old, []);
        var stored = before.Encrypt("acme/names/a.test/key.pem", Encoding.UTF8.GetBytes("secret"));

        // Act
        var after = new ClusterSecretProtector(s_new, [s_old]);
        var plain = after.Decrypt("acme/names/a.test/key.pem", before.CurrentKeyId, stored);

        // Assert
        Assert.Equal("secret", Encoding.UTF8.GetString(plain));
        Assert.NotEqual(before.CurrentKeyId, after.CurrentKeyId);
        Assert.True(stored.AsSpan().IndexOf("secret"u8) < 0, "the plaintext is not in the stored bytes");
    }

    [Fact]
    public void Decrypt_CiphertextMovedToAnotherKey_Refused()
    {
        var protector = new ClusterSecretProtector(s_new, []);
        var stored = protector.Encrypt("acme/names/a.test/key.pem", Encoding.UTF8.GetBytes("secret"));

        Assert.Throws<ClusterStoreException>(() => protector.Decrypt("acme/names/b.test/key.pem", protector.CurrentKeyId, stored));
    }

    [Fact]
    public void Decrypt_UnknownKeyId_RefusedWithTheReason()
    {
        var protector = new ClusterSecretProtector(s_new, []);
        var stored = new ClusterSecretProtector(s_old, []).Encrypt("k", [1, 2, 3]);

        var error = Assert.Throws<ClusterStoreException>(() => protector.Decrypt("k", "0123456789abcdef", stored));
        Assert.Contains("PreviousEncryptionKeys", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("c2hvcnQ=", false)]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", true)]
    public void Validate_PostgreSqlEncryptionKey_MustBe32Bytes(string? key, bool valid)
    {
        var options = new ClusterOptions { Store = ClusterStoreKind.PostgreSql, ConnectionString = "Host=127.0.0.1", EncryptionKey = key };

        var result = new ClusterOptionsValidator().Validate(null, options);

        Assert.Equal(valid, result.Succeeded);
    }
}

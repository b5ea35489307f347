using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using PoshClient.Documents;
using PoshClient.Verification;

namespace PoshClient.Tests.Verification;

public sealed class PoshFingerprintMatcherTests
{
    private static readonly byte[] s_der = [0x30, 0x03, 0x02, 0x01, 0x01];

    [Fact]
    public void Match_StrongestAlgorithmWrong_NoMatchEvenIfWeakerMatches()
    {
        // Arrange: sha-256 right, sha-512 wrong. Only the strongest counts (posh-spec C-16).
        var document = Document(Descriptor((PoshHashAlgorithm.Sha256, SHA256.HashData(s_der)), (PoshHashAlgorithm.Sha512, new byte[64])));

        // Act
        var result = PoshFingerprintMatcher.Match(document, s_der);

        // Assert
        Assert.False(result.IsMatch);
        Assert.Equal(1, result.UsableDescriptors);
    }

    [Fact]
    public void Match_StrongestAlgorithmRight_MatchesBySha512()
    {
        // Arrange
        var document = Document(Descriptor((PoshHashAlgorithm.Sha256, new byte[32]), (PoshHashAlgorithm.Sha512, SHA512.HashData(s_der))));

        // Act
        var result = PoshFingerprintMatcher.Match(document, s_der);

        // Assert
        Assert.True(result.IsMatch);
        Assert.Equal(PoshHashAlgorithm.Sha512, result.Algorithm);
    }

    [Fact]
    public void Match_Sha384Only_MatchesBySha384()
    {
        // Arrange
        var document = Document(Descriptor((PoshHashAlgorithm.Sha384, SHA384.HashData(s_der))));

        // Act
        var result = PoshFingerprintMatcher.Match(document, s_der);

        // Assert
        Assert.Equal(PoshHashAlgorithm.Sha384, result.Algorithm);
    }

    [Fact]
    public void Match_SecondDescriptorMatches_ReportsItsIndex()
    {
        // Arrange: rollover, new certificate first (RFC 7711 §3.1).
        var document = Document(
            Descriptor((PoshHashAlgorithm.Sha256, new byte[32])),
            FingerprintDescriptor.FromDer(s_der));

        // Act
        var result = PoshFingerprintMatcher.Match(document, s_der);

        // Assert
        Assert.Equal(1, result.DescriptorIndex);
        Assert.Equal(2, result.UsableDescriptors);
    }

    [Fact]
    public void Match_UnpaddedPublishedValue_MatchesBytes()
    {
        // Arrange: the document carries the digest without '=' padding, like RFC 7711's second example.
        var unpadded = Convert.ToBase64String(SHA256.HashData(s_der)).TrimEnd('=');
        var read = PoshDocumentReader.Read(Encoding.UTF8.GetBytes("{\"fingerprints\":[{\"sha-256\":\"" + unpadded + "\"}],\"expires\":60}"));

        // Act
        var result = PoshFingerprintMatcher.Match(read.Fingerprints!, s_der);

        // Assert
        Assert.Equal(43, unpadded.Length);
        Assert.True(result.IsMatch);
    }

    [Fact]
    public void Match_DescriptorWithoutUsableHash_CannotMatch()
    {
        // Arrange
        var document = Document(new FingerprintDescriptor { Hashes = ImmutableSortedDictionary<PoshHashAlgorithm, ImmutableArray<byte>>.Empty });

        // Act
        var result = PoshFingerprintMatcher.Match(document, s_der);

        // Assert
        Assert.False(result.IsMatch);
        Assert.Equal(0, result.UsableDescriptors);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(31, false)]
    [InlineData(-1, true)]
    public void DigestsEqual_ConstantTimeCompare_ComparesWholeDigest(int flipIndex, bool expected)
    {
        // Arrange: a difference in the first or the last byte must both be caught (FixedTimeEquals reads every byte).
        var digest = SHA256.HashData(s_der);
        var other = (byte[])digest.Clone();
        if (flipIndex >= 0)
        {
            other[flipIndex] ^= 1;
        }

        // Act
        var equal = PoshFingerprintMatcher.DigestsEqual(digest, other);

        // Assert
        Assert.Equal(expected, equal);
        Assert.Equal(CryptographicOperations.FixedTimeEquals(digest, other), equal);
    }

    [Fact]
    public void DigestsEqual_DifferentLengths_False()
    {
        // Act / Assert
        Assert.False(PoshFingerprintMatcher.DigestsEqual(new byte[32], new byte[31]));
    }

    private static FingerprintsDocument Document(params FingerprintDescriptor[] descriptors) =>
        new() { Fingerprints = descriptors, Expires = 3600 };

    private static FingerprintDescriptor Descriptor(params (PoshHashAlgorithm Algorithm, byte[] Digest)[] hashes) => new()
    {
        Hashes = hashes.ToImmutableSortedDictionary(h => h.Algorithm, h => ImmutableArray.Create(h.Digest)),
    };
}

using PoshClient.Verification;

namespace PoshClient.Tests.Verification;

/// <summary>The digest cache keyed by what peers present: bounded (issue 14).</summary>
public sealed class CertificateDigestCacheTests
{
    [Fact]
    public void Issue14_ManyDistinctCertificates_StayAtTheBound_AndTheNewestIsCached()
    {
        // Arrange
        var cache = new CertificateDigestCache();
        byte[] last = [];

        // Act: one more than the bound, each a different "certificate".
        for (var i = 0; i <= CertificateDigestCache.Capacity; i++)
        {
            last = BitConverter.GetBytes(i);
            cache.For(last);
            Assert.True(cache.Count <= CertificateDigestCache.Capacity);
        }

        // Assert
        Assert.Same(cache.For(last), cache.For(last));
    }
}

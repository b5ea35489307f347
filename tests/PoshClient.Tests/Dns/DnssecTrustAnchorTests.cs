using System.Net;
using PoshClient.Dane;
using PoshClient.Dns;

namespace PoshClient.Tests.Dns;

/// <summary>Trust anchors in presentation form, and the start-up checks of the DNSSEC options.</summary>
public sealed class DnssecTrustAnchorTests
{
    [Fact]
    public void RootAnchors_AreTheIanaRootKeys()
    {
        var anchors = DnssecTrustAnchor.ParseAll(DnssecTrustAnchor.RootAnchors);

        Assert.Equal([20326, 38696], anchors.Select(a => (int)a.KeyTag));
        Assert.All(anchors, a => Assert.Equal((8, 2, 32), (a.Algorithm, a.DigestType, a.Digest.Count)));
    }

    [Theory]
    [InlineData(". IN DS 12345 13 2 ABCD EF01")]
    [InlineData(".\t3600\tIN\tDS\t12345 13 2 abcdef01")]
    [InlineData(". DS 12345 13 2 ABCDEF01")]
    public void TryParse_PresentationForms_ReadKeyTagAlgorithmAndSplitDigest(string text)
    {
        Assert.True(DnssecTrustAnchor.TryParse(text, out var anchor, out var error), error);

        Assert.Equal((12345, 13, 2), (anchor.KeyTag, anchor.Algorithm, anchor.DigestType));
        Assert.Equal([0xAB, 0xCD, 0xEF, 0x01], anchor.Digest);
    }

    [Theory]
    [InlineData("example.test. IN DS 12345 13 2 ABCD", "only trust anchors for the root")]
    [InlineData(". IN DS 12345 13 2 XYZ", "not hex")]
    [InlineData(". IN DS 70000 13 2 ABCD", "out of range")]
    [InlineData(". IN DNSKEY 257 3 13 abcd", "not a DS record")]
    [InlineData("", "not a DS record")]
    public void TryParse_Invalid_SaysWhy(string text, string reason)
    {
        Assert.False(DnssecTrustAnchor.TryParse(text, out _, out var error));

        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void OptionsValidator_BadAnchorUnknownModeAndMixedPorts_ReportsEach()
    {
        var options = new PoshClientOptions { DnssecMode = DnssecMode.ValidateInProcess };
        options.DnssecTrustAnchors.Add("example.test. IN DS 1 13 2 AB");
        options.DnsServers.Add(new IPEndPoint(IPAddress.Loopback, 53));
        options.DnsServers.Add(new IPEndPoint(IPAddress.Loopback, 5353));

        var errors = PoshClientOptionsValidator.Collect(options);

        Assert.Contains(errors, e => e.Contains("DnssecTrustAnchors", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("same port", StringComparison.Ordinal));
        Assert.Contains(PoshClientOptionsValidator.Collect(new PoshClientOptions { DnssecMode = (DnssecMode)7 }), e => e.Contains("DnssecMode", StringComparison.Ordinal));
    }

    [Fact]
    public void OptionsValidator_Defaults_AreValid()
    {
        Assert.Empty(PoshClientOptionsValidator.Collect(new PoshClientOptions()));
        Assert.Empty(PoshClientOptionsValidator.Collect(new PoshClientOptions { DnssecMode = DnssecMode.ValidateInProcess }));
    }
}

using System.Net;
using PoshClient.Dane;
using PoshClient.Dns;
using PoshClient.Tests.Xmpp;
using PoshClient.Xmpp;

namespace PoshClient.Tests.Dns;

public sealed class DnsResolverOptionsFactoryTests
{
    // The DS record of the IANA root KSK-2017 (RFC 4034 §5.3 presentation form).
    private const string RootAnchor = ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D";

    [Fact]
    public void Create_CarriesEverySetting()
    {
        var server = new IPEndPoint(IPAddress.Parse("127.0.63.1"), 53);
        var trusted = IPAddress.Parse("192.0.2.53");

        var options = DnsResolverOptionsFactory.Create([server], [trusted], trustLoopbackResolvers: false, DnssecMode.ValidateInProcess, [RootAnchor]);

        Assert.Equal([server], options.Servers);
        Assert.Equal([trusted], options.TrustedValidators);
        Assert.False(options.TrustLoopbackValidators);
        Assert.Equal(DnssecMode.ValidateInProcess, options.Mode);
        var anchor = Assert.Single(options.TrustAnchors);
        Assert.Equal((ushort)20326, anchor.KeyTag);
    }

    [Fact]
    public void ValidatorConstructor_InvalidTrustAnchor_Throws()
    {
        var options = new PoshCertificateValidatorOptions { DnssecMode = DnssecMode.ValidateInProcess };
        options.DnsServers.Add(new IPEndPoint(IPAddress.Loopback, 53));
        options.DnssecTrustAnchors.Add(". IN DS not-a-key-tag 8 2 00");

        Assert.Throws<ArgumentException>(() => new PoshCertificateValidator(FakePoshCheck.NoMaterial(), options, TimeProvider.System));
    }
}

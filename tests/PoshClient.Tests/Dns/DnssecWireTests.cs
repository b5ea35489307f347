using PoshClient.Dns;

namespace PoshClient.Tests.Dns;

/// <summary>The DNSSEC bits on the wire: DO in queries (RFC 3225), AD, TLSA RDATA (RFC 6698) and EDE (RFC 8914) in responses.</summary>
public sealed class DnssecWireTests
{
    [Fact]
    public void Build_RequestDnssec_SetsTheDoBitInTheOptTtl()
    {
        var query = DnsQueryBuilder.Build(1, "example.com", DnsRecordType.Tlsa, requestDnssec: true);

        // The OPT record is the last 11 bytes: name, type (2), class (2), TTL = ext-rcode, version, flags (DO = 0x80), Z.
        Assert.Equal(0x80, query[^4]);
        Assert.Equal(0x00, query[^3]);
    }

    [Fact]
    public void TryParse_TlsaAnswerWithAdAndEde_ReadsAllOfThem()
    {
        var name = TestDnsResponse.Name("_5222._tcp.xmpp.example");
        byte[] message =
        [
            0x12, 0x34, 0x81, 0xA0, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, // QR RD RA AD; QD=1 AN=1 AR=1
            .. name, 0x00, 0x34, 0x00, 0x01,                                     // question TLSA IN
            .. name, 0x00, 0x34, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2C, 0x00, 0x07, // TLSA, TTL 300, RDLENGTH 7
            0x03, 0x01, 0x01, 0xDE, 0xAD, 0xBE, 0xEF,                            // 3 1 1 deadbeef
            0x00, 0x00, 0x29, 0x04, 0xD0, 0x00, 0x00, 0x80, 0x00, 0x00, 0x08,    // OPT, DO, RDLENGTH 8
            0x00, 0x0F, 0x00, 0x04, 0x00, 0x06, (byte)'h', (byte)'i',            // EDE 6 "hi"
        ];

        Assert.True(DnsMessageParser.TryParse(message, includeRecords: true, out var parsed, out var error), error);

        Assert.True(parsed.IsAuthenticData);
        var tlsa = Assert.Single(parsed.Answers).Tlsa;
        Assert.NotNull(tlsa);
        Assert.Equal("3 1 1 deadbeef", tlsa.ToString());
        var ede = Assert.Single(parsed.ExtendedErrors);
        Assert.Equal(6, ede.InfoCode);
        Assert.Equal("hi", ede.Text);
        Assert.True(ede.IsDnssecFailure);
    }

    [Fact]
    public void TryParse_TlsaShorterThanThreeBytes_Rejected()
    {
        var name = TestDnsResponse.Name("x.example");
        byte[] message =
        [
            0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
            .. name, 0x00, 0x34, 0x00, 0x01,
            .. name, 0x00, 0x34, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2C, 0x00, 0x02, 0x03, 0x01,
        ];

        Assert.False(DnsMessageParser.TryParse(message, includeRecords: true, out _, out var error));
        Assert.Contains("TLSA", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", true, true)]
    [InlineData("::1", true, true)]
    [InlineData("127.0.0.1", false, false)]
    [InlineData("192.0.2.53", true, false)]
    public void IsTrustedValidator_OnlyLoopbackByDefault(string address, bool trustLoopback, bool expected)
    {
        var options = new DnsResolverOptions { TrustLoopbackValidators = trustLoopback };

        Assert.Equal(expected, options.IsTrustedValidator(System.Net.IPAddress.Parse(address)));
    }

    [Fact]
    public void IsTrustedValidator_ListedResolver_Trusted()
    {
        var options = new DnsResolverOptions();
        options.TrustedValidators.Add(System.Net.IPAddress.Parse("192.0.2.53"));

        Assert.True(options.IsTrustedValidator(System.Net.IPAddress.Parse("192.0.2.53")));
    }
}

using PoshClient.Dns;

namespace PoshClient.Tests.Dns;

public sealed class DnsQueryBuilderTests
{
    [Fact]
    public void Build_SrvQuery_WritesHeaderQuestionAndEdnsOpt()
    {
        var query = DnsQueryBuilder.Build(0xBEEF, "_xmpp-client._tcp.example.com", DnsRecordType.Srv);

        byte[] expected =
        [
            0xBE, 0xEF, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, // id, RD=1, QD=1, AR=1
            .. TestDnsResponse.Name("_xmpp-client._tcp.example.com"),
            0x00, 0x21, 0x00, 0x01, // SRV, IN
            0x00, 0x00, 0x29, 0x04, 0xD0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // OPT, 1232 bytes, no flags, no options
        ];
        Assert.Equal(expected, query);
    }

    [Fact]
    public void Build_WithoutEdns_HasNoAdditionalRecord()
    {
        var query = DnsQueryBuilder.Build(1, "example.com", DnsRecordType.A, useEdns: false);

        Assert.Equal(0, query[11]);
        Assert.Equal(12 + 13 + 4, query.Length);
    }

    [Theory]
    [InlineData("example.com", new byte[] { 7, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', 3, (byte)'c', (byte)'o', (byte)'m', 0 })]
    [InlineData("example.com.", new byte[] { 7, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', 3, (byte)'c', (byte)'o', (byte)'m', 0 })]
    [InlineData(".", new byte[] { 0 })]
    public void EncodeName_ValidName_WritesLabels(string name, byte[] expected)
    {
        Assert.Equal(expected, DnsQueryBuilder.EncodeName(name));
    }

    [Theory]
    [InlineData("a..b")]
    [InlineData(".a")]
    [InlineData("bücher.example")]
    public void EncodeName_InvalidName_Throws(string name)
    {
        Assert.Throws<ArgumentException>(() => DnsQueryBuilder.EncodeName(name));
    }

    [Fact]
    public void EncodeName_LabelOf64Characters_Throws()
    {
        Assert.Throws<ArgumentException>(() => DnsQueryBuilder.EncodeName(new string('a', 64) + ".example"));
    }

    [Fact]
    public void EncodeName_NameOver255Octets_Throws()
    {
        var name = string.Join('.', Enumerable.Repeat(new string('a', 63), 4));

        Assert.Throws<ArgumentException>(() => DnsQueryBuilder.EncodeName(name));
    }
}

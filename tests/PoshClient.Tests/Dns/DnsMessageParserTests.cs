using System.Net;
using PoshClient.Dns;

namespace PoshClient.Tests.Dns;

public sealed class DnsMessageParserTests
{
    // Captured from dnsmasq 2.90: SRV _xmpp-client._tcp.t.test -> 0 5 5222 xmpp.t.test, with A and AAAA of the target
    // in the additional section. Owner names and the additional records' names are compression pointers.
    private const string SrvResponseHex =
        "44be858000010001000000030c5f786d70702d636c69656e74045f746370017404746573740000210001c00c0021000100000000001300000005146604786d70700174047465737400c03c000100010000000000047f000001c03c001c00010000000000100000000000000000000000000000000100002904d0000000000000";

    // dnsmasq: SRV _xmpps-client._tcp.t.test with target "." (service not offered).
    private const string DotTargetResponseHex =
        "4ac5858000010001000000010d5f786d7070732d636c69656e74045f746370017404746573740000210001c00c002100010000000000070000000000010000002904d0000000000000";

    // dnsmasq: AAAA alias.t.test -> CNAME xmpp.t.test -> ::1.
    private const string CNameResponseHex =
        "f5a68580000100020000000105616c6961730174047465737400001c0001c00c0005000100000000000d04786d70700174047465737400c02a001c00010000000000100000000000000000000000000000000100002904d0000000000000";

    [Fact]
    public void TryParse_CompressedSrvResponse_ExpandsEveryName()
    {
        Assert.True(DnsMessageParser.TryParse(Convert.FromHexString(SrvResponseHex), includeRecords: true, out var message, out var error), error);
        Assert.Equal(0x44BE, message.Id);
        Assert.True(message.IsResponse);
        Assert.Equal(DnsResponseCode.NoError, message.ResponseCode);
        Assert.Equal(new DnsQuestion("_xmpp-client._tcp.t.test", DnsRecordType.Srv, 1), message.Question);
        var answer = Assert.Single(message.Answers);
        Assert.Equal("_xmpp-client._tcp.t.test", answer.Name);
        Assert.Equal(new SrvRecord { Priority = 0, Weight = 5, Port = 5222, Target = "xmpp.t.test", TimeToLive = TimeSpan.Zero }, answer.Srv);
        Assert.Equal(
            [("xmpp.t.test", IPAddress.Parse("127.0.0.1")), ("xmpp.t.test", IPAddress.IPv6Loopback)],
            message.Additionals.Where(r => r.Address is not null).Select(r => (r.Name, r.Address!)));
        Assert.Contains(message.Additionals, r => r.Type == DnsRecordType.Opt && string.Equals(r.Name, ".", StringComparison.Ordinal));
    }

    [Fact]
    public void TryParse_SrvTargetRoot_KeepsDot()
    {
        Assert.True(DnsMessageParser.TryParse(Convert.FromHexString(DotTargetResponseHex), includeRecords: true, out var message, out var error), error);
        Assert.Equal(".", Assert.Single(message.Answers).Srv!.Target);
    }

    [Fact]
    public void GetAnswers_CNameChainInResponse_FollowsToTheAddress()
    {
        Assert.True(DnsMessageParser.TryParse(Convert.FromHexString(CNameResponseHex), includeRecords: true, out var message, out var error), error);

        var answers = message.GetAnswers("ALIAS.t.test", DnsRecordType.Aaaa);

        Assert.Equal(IPAddress.IPv6Loopback, Assert.Single(answers).Address);
    }

    [Fact]
    public void GetAnswers_CNameLoop_ReturnsNothing()
    {
        var response = new TestDnsResponse { Id = 1, QuestionName = "a.test", QuestionType = DnsRecordType.A }
            .AddCName("a.test", "b.test")
            .AddCName("b.test", "a.test")
            .Build();
        Assert.True(DnsMessageParser.TryParse(response, includeRecords: true, out var message, out var error), error);

        Assert.Empty(message.GetAnswers("a.test", DnsRecordType.A));
    }

    [Fact]
    public void TryParse_EveryTruncationOfAValidResponse_Fails()
    {
        var full = Convert.FromHexString(SrvResponseHex);

        for (var length = 0; length < full.Length; length++)
        {
            Assert.False(DnsMessageParser.TryParse(full.AsSpan(0, length), includeRecords: true, out _, out var error), $"length {length}");
            Assert.NotEmpty(error);
        }
    }

    [Fact]
    public void TryParse_HeaderOnlyOfTruncatedMessage_ReadsQuestion()
    {
        var full = Convert.FromHexString(SrvResponseHex);

        Assert.True(DnsMessageParser.TryParse(full.AsSpan(0, 12 + 26 + 4), includeRecords: false, out var message, out var error), error);
        Assert.Equal("_xmpp-client._tcp.t.test", message.Question!.Value.Name);
    }

    [Theory]
    [InlineData(new byte[] { 0xC0, 0x0C }, "self-pointer")]
    [InlineData(new byte[] { 0xC0, 0x0E, 0xC0, 0x0C }, "pointer forward to a pointer back")]
    [InlineData(new byte[] { 0x01, 0x61, 0xC0, 0x0C }, "label then pointer to its own start")]
    [InlineData(new byte[] { 0xFF, 0xFF }, "pointer far out of bounds")]
    [InlineData(new byte[] { 0x40, 0x00 }, "reserved label type")]
    [InlineData(new byte[] { 0x05, 0x61 }, "label past the end")]
    [InlineData(new byte[] { 0xC0 }, "cut pointer")]
    public void TryParse_BadQuestionName_Fails(byte[] name, string because)
    {
        byte[] message = [0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, .. name, 0, 1, 0, 1];

        Assert.False(DnsMessageParser.TryParse(message, includeRecords: false, out _, out _), because);
    }

    [Fact]
    public void ReadName_BackwardPointerChain_Expands()
    {
        // 0: "b" "c" root; 5: "a" + pointer to 0; 9: pointer to 5.
        byte[] message = [1, (byte)'b', 1, (byte)'c', 0, 1, (byte)'a', 0xC0, 0x00, 0xC0, 0x05];
        var offset = 9;

        var name = DnsMessageParser.ReadName(message, ref offset);

        Assert.Equal("a.b.c", name);
        Assert.Equal(11, offset);
    }

    [Fact]
    public void ReadName_NameLongerThan255Octets_Fails()
    {
        var labels = Enumerable.Repeat((byte[])[63, .. Enumerable.Repeat((byte)'a', 63)], 5).SelectMany(b => b);
        byte[] message = [0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, .. labels, 0, 0, 1, 0, 1];

        Assert.False(DnsMessageParser.TryParse(message, includeRecords: false, out _, out var error));
        Assert.Contains("255", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_RdLengthPastTheEnd_Fails()
    {
        var response = new TestDnsResponse { Id = 1, QuestionName = "a.test", QuestionType = DnsRecordType.A }
            .AddAddress("a.test", IPAddress.Loopback)
            .Build();
        response[^5] = 0x20; // RDLENGTH 4 -> 32

        Assert.False(DnsMessageParser.TryParse(response, includeRecords: true, out _, out _));
    }

    [Fact]
    public void TryParse_AddressRecordOfWrongLength_Fails()
    {
        var response = new TestDnsResponse { Id = 1, QuestionName = "a.test", QuestionType = DnsRecordType.A }
            .AddAddress("a.test", IPAddress.Loopback)
            .Build();
        response[^5] = 3; // RDLENGTH 4 -> 3: the A record claims 3 bytes and one byte is left over

        Assert.False(DnsMessageParser.TryParse(response, includeRecords: true, out _, out _));
    }

    [Fact]
    public void TryParse_TtlWithHighBitSet_IsZero()
    {
        var response = new TestDnsResponse { Id = 1, QuestionName = "a.test", QuestionType = DnsRecordType.A }
            .AddAddress("a.test", IPAddress.Loopback, ttl: 0x80000000)
            .Build();

        Assert.True(DnsMessageParser.TryParse(response, includeRecords: true, out var message, out var error), error);
        Assert.Equal(TimeSpan.Zero, Assert.Single(message.Answers).TimeToLive);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void TryParse_ResponseCode_IsRead(int rcode)
    {
        var response = new TestDnsResponse { Id = 1, QuestionName = "a.test", QuestionType = DnsRecordType.A, ResponseCode = rcode, Truncated = true }.Build();

        Assert.True(DnsMessageParser.TryParse(response, includeRecords: true, out var message, out var error), error);
        Assert.Equal((DnsResponseCode)rcode, message.ResponseCode);
        Assert.True(message.IsTruncated);
    }
}

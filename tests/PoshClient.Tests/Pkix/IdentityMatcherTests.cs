using PoshClient.Documents;
using PoshClient.Pkix;

namespace PoshClient.Tests.Pkix;

public sealed class IdentityMatcherTests
{
    [Theory]
    [InlineData("example.com", "example.com", true)]
    [InlineData("example.com", "EXAMPLE.com", true)]
    [InlineData("example.com", "example.com.", true)]
    [InlineData("example.com", "www.example.com", false)]
    [InlineData("example.com", "example.org", false)]
    [InlineData("chat.example.com", "*.example.com", true)]
    [InlineData("chat.example.com", "*.EXAMPLE.COM", true)]
    [InlineData("example.com", "*.example.com", false)] // the wildcard matches exactly one label, never zero
    [InlineData("a.b.example.com", "*.example.com", false)] // … and never two
    [InlineData("chat.example.com", "c*.example.com", false)] // partial-label wildcard: invalid identifier (RFC 9525 §6.3)
    [InlineData("chat.example.com", "chat.*.com", false)] // wildcard not left-most
    [InlineData("chat.example.com", "*.*.com", false)] // more than one wildcard
    [InlineData("example.com", "*.com", false)] // wildcard over a whole TLD
    [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example", true)] // IDNs are compared as A-labels
    [InlineData("xn--bcher-kva.example", "XN--BCHER-KVA.example", true)]
    [InlineData("xn--bcher-kva.example", "bücher.example", false)] // a U-label in a dNSName is malformed
    [InlineData("chat.xn--bcher-kva.example", "*.xn--bcher-kva.example", true)]
    public void MatchesDnsId_Table_MatchesPerRfc9525(string reference, string presented, bool expected)
    {
        // Act
        var actual = IdentityMatcher.MatchesDnsId(reference, presented);

        // Assert
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("_xmpp-client.example.com", PoshService.XmppClient, true)]
    [InlineData("_XMPP-CLIENT.Example.COM", PoshService.XmppClient, true)]
    [InlineData("_xmpp-server.example.com", PoshService.XmppClient, false)] // the service type must match (RFC 9525 §6.5)
    [InlineData("_xmpp-server.example.com", PoshService.XmppServer, true)]
    [InlineData("_xmpp-client.other.example", PoshService.XmppClient, false)]
    [InlineData("_xmpp-client.*.com", PoshService.XmppClient, false)]
    public void FindMatch_SrvId_MatchesServiceAndDomain(string srvName, PoshService service, bool expected)
    {
        // Arrange
        var presented = PresentedIdentifiers.None with { SrvNames = [srvName] };

        // Act
        var match = IdentityMatcher.FindMatch("example.com", service, presented);

        // Assert
        Assert.Equal(expected, match is not null);
    }

    [Theory]
    [InlineData("example.com", true)]
    [InlineData("EXAMPLE.com", true)]
    [InlineData("user@example.com", false)] // a user's JID is not the domain's identity
    [InlineData("example.com/resource", false)]
    [InlineData("other.example", false)]
    public void FindMatch_XmppAddr_MatchesBareDomainOnly(string xmppAddr, bool expected)
    {
        // Arrange
        var presented = PresentedIdentifiers.None with { XmppAddrs = [xmppAddr] };

        // Act
        var match = IdentityMatcher.FindMatch("example.com", PoshService.XmppServer, presented);

        // Assert
        Assert.Equal(expected, match is not null);
    }

    [Fact]
    public void FindMatch_XmppAddrWithULabel_ComparedAsALabel()
    {
        // Arrange: XmppAddr is a UTF8String, so it may carry U-labels (RFC 6120 §13.7.1.4).
        var presented = PresentedIdentifiers.None with { XmppAddrs = ["bücher.example"] };

        // Act
        var match = IdentityMatcher.FindMatch("xn--bcher-kva.example", PoshService.XmppClient, presented);

        // Assert
        Assert.Equal("XmppAddr bücher.example", match);
    }

    [Fact]
    public void FindMatch_OnlyCommonNameMatches_NoMatch()
    {
        // Arrange: RFC 9525 §6 / App. A: the CN is never an identifier.
        var presented = PresentedIdentifiers.None with { CommonName = "example.com", DnsNames = ["hosting.example.net"] };

        // Act
        var match = IdentityMatcher.FindMatch("example.com", PoshService.XmppClient, presented);

        // Assert
        Assert.Null(match);
    }
}

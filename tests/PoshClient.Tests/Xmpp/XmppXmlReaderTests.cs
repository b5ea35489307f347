using System.Text;
using PoshClient.Xmpp;

namespace PoshClient.Tests.Xmpp;

public sealed class XmppXmlReaderTests
{
    private const string Header = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='abc' from='example.test' version='1.0'>";

    [Fact]
    public async Task ReadElementAsync_ProceedFollowedByTlsBytes_StopsRightAfterTheElement()
    {
        // Arrange: RFC 6120 §5.4.3.3: whatever follows <proceed/> belongs to TLS and must stay unread.
        const string proceed = "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(Header + proceed + "\u0016\u0003\u0001TLS"));
        var reader = new XmppXmlReader(stream);
        await reader.ReadStreamHeaderAsync(CancellationToken.None);

        // Act
        var element = await reader.ReadElementAsync(CancellationToken.None);

        // Assert
        Assert.True(element.Is("proceed", XmppNamespaces.Tls));
        Assert.Equal(Encoding.UTF8.GetByteCount(Header + proceed), stream.Position);
    }

    [Fact]
    public async Task ReadStreamHeaderAsync_Header_AttributesAndDefaultNamespace()
    {
        // Arrange
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(Header));
        var reader = new XmppXmlReader(stream);

        // Act
        var header = await reader.ReadStreamHeaderAsync(CancellationToken.None);

        // Assert
        Assert.Equal(("abc", "example.test", "1.0", "jabber:client"), (header.Id, header.From, header.Version, header.DefaultNamespace));
    }

    [Fact]
    public async Task ReadElementAsync_NestedWithEntitiesCdataAndPrefixes_ResolvedTree()
    {
        // Arrange
        const string features = " \n<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>A&amp;B&#x41;</mechanism><mechanism><![CDATA[<x>]]></mechanism></mechanisms><p:thing xmlns:p='urn:example' a=\"1&lt;2\"/></stream:features>";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(Header + features));
        var reader = new XmppXmlReader(stream);
        await reader.ReadStreamHeaderAsync(CancellationToken.None);

        // Act
        var element = await reader.ReadElementAsync(CancellationToken.None);

        // Assert
        Assert.True(element.Is("features", XmppNamespaces.Streams));
        var mechanisms = element.Child("mechanisms", XmppNamespaces.Sasl);
        Assert.Equal(["A&BA", "<x>"], mechanisms!.Children.Select(c => c.Text).ToArray());
        var thing = element.Child("thing", "urn:example");
        Assert.Equal("1<2", thing?.Attribute("a"));
    }

    [Theory]
    [InlineData("<!DOCTYPE x>", "comments and DTDs")]
    [InlineData("<a>&custom;</a>", "unknown entity")]
    [InlineData("<x:a/>", "undeclared namespace prefix")]
    [InlineData("<a b='1' b='2'/>", "duplicate attribute")]
    [InlineData("<a>\u00ff", "closed the connection")]
    public async Task ReadElementAsync_RestrictedOrBrokenXml_ProtocolError(string xml, string expected)
    {
        // Arrange
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(Header + xml));
        var reader = new XmppXmlReader(stream);
        await reader.ReadStreamHeaderAsync(CancellationToken.None);

        // Act
        var error = await Assert.ThrowsAsync<XmppProtocolException>(() => reader.ReadElementAsync(CancellationToken.None));

        // Assert
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}

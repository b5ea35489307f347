using System.Net.Security;

namespace PoshClient.Xmpp;

/// <summary>
/// An authenticated XMPP stream, ready for SASL: TLS is established, the certificate accepted, and a fresh
/// stream header has been exchanged whose features were read (RFC 6120 §5.4.3.3). The next thing to send is
/// e.g. <c>&lt;auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/&gt;</c>. Disposing closes the connection.
/// </summary>
public sealed class XmppConnection : IAsyncDisposable, IDisposable
{
    internal XmppConnection(SslStream stream, string? streamId, IReadOnlyList<string> features, IReadOnlyList<string> saslMechanisms)
    {
        Stream = stream;
        StreamId = streamId;
        Features = features;
        SaslMechanisms = saslMechanisms;
    }

    /// <summary>The TLS stream; the XMPP stream is open on it and nothing unread is buffered elsewhere.</summary>
    public SslStream Stream { get; }

    /// <summary>The <c>id</c> of the server's latest stream header.</summary>
    public string? StreamId { get; }

    /// <summary>The features offered after TLS, as <c>{namespace}localName</c>.</summary>
    public IReadOnlyList<string> Features { get; }

    /// <summary>The SASL mechanisms offered after TLS (RFC 6120 §6.4.1).</summary>
    public IReadOnlyList<string> SaslMechanisms { get; }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Stream.DisposeAsync();

    /// <inheritdoc />
    public void Dispose() => Stream.Dispose();
}

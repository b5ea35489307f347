namespace PoshClient.Xmpp;

/// <summary>
/// The peer broke the stream protocol (malformed XML, unexpected element, stream error, closed stream). Internal
/// to the negotiation: the connector turns it into a failed attempt with this message.
/// </summary>
internal sealed class XmppProtocolException : Exception
{
    public XmppProtocolException(string message)
        : base(message)
    {
    }

    public XmppProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public XmppProtocolException()
    {
    }
}

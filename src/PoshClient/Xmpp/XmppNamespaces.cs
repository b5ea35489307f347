namespace PoshClient.Xmpp;

/// <summary>XML namespaces of RFC 6120.</summary>
internal static class XmppNamespaces
{
    public const string Streams = "http://etherx.jabber.org/streams";
    public const string Client = "jabber:client";
    public const string Server = "jabber:server";
    public const string Tls = "urn:ietf:params:xml:ns:xmpp-tls";
    public const string Sasl = "urn:ietf:params:xml:ns:xmpp-sasl";
    public const string StreamErrors = "urn:ietf:params:xml:ns:xmpp-streams";
    public const string Xml = "http://www.w3.org/XML/1998/namespace";
}

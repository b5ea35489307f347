namespace PoshClient.Documents;

/// <summary>
/// The POSH services XMPP defines (RFC 7712 §9): each has its own well-known document, and a verifier
/// must never use one in place of the other.
/// </summary>
public enum PoshService
{
    /// <summary><c>xmpp-client</c>: certificates presented to clients (c2s, RFC 7712 §5.2).</summary>
    XmppClient,

    /// <summary><c>xmpp-server</c>: certificates presented to and by peer servers (s2s, RFC 7712 §5.2).</summary>
    XmppServer,
}

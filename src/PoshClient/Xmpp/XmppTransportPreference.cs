namespace PoshClient.Xmpp;

/// <summary>How STARTTLS (<c>_xmpp-*</c>) and direct TLS (<c>_xmpps-*</c>, XEP-0368) SRV records are ordered.</summary>
public enum XmppTransportPreference
{
    /// <summary>One RFC 2782 priority/weight ordering over both record sets, as XEP-0368 recommends (the default).</summary>
    Mixed,

    /// <summary>Every direct TLS endpoint first (each set in its own RFC 2782 order), then STARTTLS.</summary>
    PreferDirectTls,

    /// <summary>Every STARTTLS endpoint first, then direct TLS.</summary>
    PreferStartTls,
}

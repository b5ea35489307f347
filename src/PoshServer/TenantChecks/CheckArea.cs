namespace PoshServer.TenantChecks;

/// <summary>What a finding is about.</summary>
internal enum CheckArea
{
    /// <summary>SRV records (RFC 6120 §3.2.1).</summary>
    Srv,

    /// <summary>The tenant's https://domain/.well-known/posh/ document (RFC 7711 §3).</summary>
    Web,

    /// <summary>The certificate the live XMPP endpoint presents.</summary>
    Live,

    /// <summary>DNSSEC of the SRV answer and the TLSA records of its targets (RFC 7673, RFC 7712 §5.1, §6).</summary>
    Dane,
}

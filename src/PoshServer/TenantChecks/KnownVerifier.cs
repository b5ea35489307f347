namespace PoshServer.TenantChecks;

/// <summary>POSH verifiers deployed in the wild, each with its own limits (interop §1, §4).</summary>
internal enum KnownVerifier
{
    /// <summary>Our own library: the whole of RFC 7711 (one reference hop, https redirects, 64 KiB cap).</summary>
    PoshClient,

    /// <summary>Prosody mod_s2s_auth_posh: s2s only; exactly 200, no redirects, references never followed.</summary>
    Prosody,

    /// <summary>Conversations: c2s only; sha-256 in every descriptor, expires &gt; 0, body under 10,000 bytes.</summary>
    Conversations,

    /// <summary>xmpp-proxy: one reference hop, https redirects, sha-256 or sha-512 only.</summary>
    XmppProxy,
}

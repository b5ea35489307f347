namespace PoshServer.TenantChecks;

/// <summary>How a check or a verifier fares; ordered from best to worst so the worst wins.</summary>
internal enum CheckVerdict
{
    Pass,

    /// <summary>The verifier does not check this service (Prosody: s2s only; Conversations: c2s only).</summary>
    NotApplicable,

    /// <summary>The check could not run (e.g. no XMPP hosts configured, live probe unavailable).</summary>
    NotChecked,

    /// <summary>Works today but fragile (e.g. a copied document that will go stale at the next rotation).</summary>
    Warn,

    Fail,
}

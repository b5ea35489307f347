namespace PoshClient.Xmpp;

/// <summary>The endpoints to try, in order, or why there are none.</summary>
internal sealed record XmppEndpointPlan
{
    public required IReadOnlyList<XmppEndpoint> Endpoints { get; init; }

    /// <summary>The SRV answer was a single "." target (RFC 6120 §3.2.1 step 3): do not connect at all.</summary>
    public bool ServiceNotOffered { get; init; }

    /// <summary>An SRV answer was DNSSEC bogus and nothing else was usable: fail closed, no A/AAAA fallback.</summary>
    public bool DnssecFailed { get; init; }

    /// <summary>Why <see cref="Endpoints"/> is empty.</summary>
    public string? Error { get; init; }
}

namespace PoshServer.TenantChecks;

/// <summary>What the tenant's live XMPP endpoint presented.</summary>
internal sealed record LiveProbeResult
{
    /// <summary>Base64 sha-256 of the presented end-entity certificate; null when no certificate was seen.</summary>
    public string? PresentedSha256 { get; init; }

    /// <summary>host:port of the endpoint, as found through SRV.</summary>
    public string? Endpoint { get; init; }

    /// <summary>True when the endpoint was reached (a certificate or a connection failure was observed).</summary>
    public bool Checked { get; init; }

    public required string Reason { get; init; }

    /// <summary>The connector's DANE decision on the live certificate (SRV and TLSA security, matched record); null when none was made.</summary>
    public PoshClient.Dane.DaneVerificationResult? Dane { get; init; }
}

namespace PoshServer.FailureReports;

/// <summary>
/// A failed POSH verification reported by a verifier (modelled on TLS-RPT, RFC 8460): which domain and service,
/// how it failed, why, and the certificate the XMPP server presented.
/// </summary>
internal sealed record FailureReport
{
    public required string Domain { get; init; }

    /// <summary>xmpp-client or xmpp-server.</summary>
    public required string Service { get; init; }

    /// <summary>The verifier's outcome, e.g. Mismatch, CertificateNotValidNow, InvalidMaterial.</summary>
    public required string Outcome { get; init; }

    public string? Reason { get; init; }

    /// <summary>Base64 sha-256 of the presented certificate.</summary>
    public string? PresentedSha256 { get; init; }

    /// <summary>Who reports, e.g. "PoshClient/1.0 chat.example.org".</summary>
    public string? Reporter { get; init; }

    /// <summary>Set by the server on receipt.</summary>
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Set by the server: whether the presented certificate is one we publish for the domain right now.</summary>
    public bool? PresentedIsPublished { get; init; }
}

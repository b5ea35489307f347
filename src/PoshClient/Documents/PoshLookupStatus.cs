namespace PoshClient.Documents;

/// <summary>How a POSH lookup for (domain, service) ended (RFC 7711 §3; posh-spec decision table §5).</summary>
public enum PoshLookupStatus
{
    /// <summary>Valid fingerprints material, directly or through one reference, with <c>expires</c> ≥ 1.</summary>
    Found,

    /// <summary>The source domain (or the referenced URL) answered 404: no POSH information (RFC 7711 §3 step 2).</summary>
    NotFound,

    /// <summary>DNS, TCP or TLS failure (including an untrusted or misnamed web certificate), or the time budget ran out.</summary>
    Unreachable,

    /// <summary>A status other than 200, 404 or a redirect; or a 200 without a body.</summary>
    HttpError,

    /// <summary>A redirect that may not be followed: non-https Location, no Location, or too many redirects (RFC 7711 §10).</summary>
    RedirectRejected,

    /// <summary>The body exceeds the configured size cap.</summary>
    TooLarge,

    /// <summary>A body that is not a POSH document (bad JSON, wrong types, both or neither of url/fingerprints, …).</summary>
    Malformed,

    /// <summary>Well-formed but unusable: <c>expires</c> 0 (RFC 7711 §3.1, §3.2) or a reference to a reference (§3.2).</summary>
    Invalid,

    /// <summary>The domain is not a valid DNS name, so there is nothing to fetch.</summary>
    InvalidDomain,
}

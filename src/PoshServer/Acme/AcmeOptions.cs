namespace PoshServer.Acme;

/// <summary>Settings of the built-in ACME client (configuration section <c>Acme</c>).</summary>
internal sealed class AcmeOptions
{
    public const string SectionName = "Acme";

    /// <summary>Whether PoshServer obtains and renews certificates itself. Default: false.</summary>
    public bool Enabled { get; set; }

    /// <summary>The CA's directory URL (RFC 8555 §7.1.1). Default: Let's Encrypt production.</summary>
    public Uri DirectoryUrl { get; set; } = new("https://acme-v02.api.letsencrypt.org/directory");

    /// <summary>Account contact URLs, each <c>mailto:</c> (RFC 8555 §7.3). Default: none.</summary>
    public IList<string> Contact { get; } = [];

    /// <summary>
    /// The operator has read and agrees to the CA's terms of service. Without it no account is created
    /// (RFC 8555 §7.3 <c>termsOfServiceAgreed</c>). Default: false.
    /// </summary>
    public bool AcceptTermsOfService { get; set; }

    /// <summary>Host names to certify in addition to the tenants that opt in; U-labels, any case and a trailing dot are normalised to A-labels.</summary>
    public IList<string> HostNames { get; } = [];

    /// <summary>Where account, certificates, keys and per-name state live. Default: <c>data/acme</c>.</summary>
    public string StoragePath { get; set; } = "data/acme";

    /// <summary>
    /// A PEM file with the root that signs the ACME server's own TLS certificate (a private CA such as Pebble).
    /// Null: the system trust store. Only the ACME connection trusts it.
    /// </summary>
    public string? TrustedRootPath { get; set; }

    /// <summary>External account binding key id (RFC 8555 §7.3.4), when the CA requires one.</summary>
    public string? ExternalAccountKeyId { get; set; }

    /// <summary>External account binding MAC key, base64url, used with HS256.</summary>
    public string? ExternalAccountHmacKey { get; set; }

    /// <summary>The port the CA validates http-01 on, and pre-flight self-fetches use. Default: 80 (RFC 8555 §8.3).</summary>
    public int ChallengePort { get; set; } = 80;

    /// <summary>Check that a name resolves and reaches our challenge responder before ordering. Default: true.</summary>
    public bool Preflight { get; set; } = true;

    /// <summary>Issuances in flight at once. Default: 2; range 1–32.</summary>
    public int MaxConcurrentIssuances { get; set; } = 2;

    /// <summary>First retry delay after a failed attempt; doubles per failure. Default: 1 minute.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Cap of the per-name retry delay. Default: 1 day.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long one issuance may poll the CA before it counts as failed. Default: 5 minutes.</summary>
    public TimeSpan IssuanceTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the scheduler looks at the names when nothing is due. Default: 1 hour.</summary>
    public TimeSpan RescanInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Retries with a fresh nonce after <c>badNonce</c> (RFC 8555 §6.5). Default: 10; range 1–30.</summary>
    public int BadNonceRetries { get; set; } = 10;

    /// <summary>The health check reports Degraded when a certificate expires within this many days. Default: 14.</summary>
    public int ExpiryWarningDays { get; set; } = 14;

    /// <summary>The health check reports Degraded when a name failed this many times in a row. Default: 3.</summary>
    public int FailureWarningThreshold { get; set; } = 3;
}

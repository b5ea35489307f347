using System.ComponentModel.DataAnnotations;

namespace PoshServer.Posh;

/// <summary>The hoster's own POSH origin. Section "Posh".</summary>
internal sealed class PoshOptions
{
    public const string Section = "Posh";

    /// <summary>
    /// Host names that are the hoster's own (e.g. posh.hosting.example.net): on these, the well-known paths serve
    /// the default certificate set's document and the per-tenant URLs are available. Required, at least one; any
    /// spelling (U-label or A-label, any case, trailing dot) is matched as the A-label. Default: <c>localhost</c> only
    /// (appsettings.json), a one-entry list so that an operator's list (<c>--Posh:HostNames:0=…</c>,
    /// <c>Posh__HostNames__0</c>) replaces it whole instead of leaving a default name behind as a hoster name.
    /// </summary>
    [Required]
    [MinLength(1)]
    public List<string> HostNames { get; set; } = [];

    /// <summary>
    /// The https origin tenants' reference documents point at, e.g. https://posh.hosting.example.net.
    /// Required; must be an absolute https URL without path, query or fragment (RFC 7711 §3.2: the url is an HTTPS URI).
    /// </summary>
    [Required]
    public Uri? PublicBaseUrl { get; set; }

    public Uri TenantDocumentUrl(string domain, string serviceName) =>
        new(PublicBaseUrl!, $"/posh/{domain}/{serviceName}.json");
}

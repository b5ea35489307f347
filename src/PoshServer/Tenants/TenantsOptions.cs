using System.ComponentModel.DataAnnotations;

namespace PoshServer.Tenants;

/// <summary>Where tenant files live and the defaults they inherit. Section "Tenants".</summary>
internal sealed class TenantsOptions
{
    public const string Section = "Tenants";

    /// <summary>Directory of tenant YAML files; relative paths resolve against the working directory. Default "tenants".</summary>
    [Required]
    public string Directory { get; set; } = "tenants";

    /// <summary>File in <see cref="Directory"/> that defines the certificate sets. Default "_certificate-sets.yaml".</summary>
    [Required]
    public string CertificateSetsFile { get; set; } = "_certificate-sets.yaml";

    /// <summary>The set used by tenants that name none, and served on the hoster's own host names. Default "default".</summary>
    [Required]
    public string DefaultCertificateSet { get; set; } = "default";

    /// <summary>Fingerprints documents' <c>expires</c> in seconds (RFC 7711 §3.1). Default 3600; range 60–604800.</summary>
    [Range(60, 604_800)]
    public long DefaultExpires { get; set; } = 3600;

    /// <summary>Reference documents' <c>expires</c> in seconds (RFC 7711 §3.2). Default 86400; range 60–2592000.</summary>
    [Range(60, 2_592_000)]
    public long DefaultReferenceExpires { get; set; } = 86_400;

    /// <summary>Quiet period after a file change before reloading (editors write several events). Default 50 ms; range 0–10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan ReloadDebounce { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Files larger than this are rejected unread. Default 65536 bytes; range 1 KiB – 1 MiB.</summary>
    [Range(1024, 1_048_576)]
    public int MaxFileBytes { get; set; } = 64 * 1024;

    public string ResolveDirectory() => Path.GetFullPath(Directory);
}

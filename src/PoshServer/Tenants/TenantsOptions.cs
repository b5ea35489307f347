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

    /// <summary>
    /// How long a tenant file written in place (not renamed into place) must stay unchanged — same size, same
    /// modification time, and the same bytes when read again — before it is published. Longer protects slow writers
    /// (a file written in parts) but delays every in-place edit by as much; a file written to a temporary name and
    /// renamed over the tenant file is published at once whatever this is. Default 1 s; range 0–60 s (0 publishes
    /// in-place writes after the debounce alone).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan SettleTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// After a load that met an I/O error (directory unreadable or gone, a file unreadable), the full load is tried
    /// again this often until it succeeds; meanwhile everything keeps serving its last good version. Default 5 s;
    /// range 100 ms – 10 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Files larger than this are rejected unread. Default 65536 bytes; range 1 KiB – 1 MiB.</summary>
    [Range(1024, 1_048_576)]
    public int MaxFileBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Where the parse result of every tenant file is kept between runs, with each file's size and modification
    /// time, so that a restart reads and parses only the files that changed while the server was down (a file
    /// with the same size and time is taken as unchanged, as a reload does). Written after full loads and on
    /// shutdown; a missing, stale or damaged file only means a slower start. Relative paths resolve against the
    /// working directory; empty turns it off. Default "data/tenant-parse-cache.bin".
    /// </summary>
    public string ParseCacheFile { get; set; } = "data/tenant-parse-cache.bin";

    public string ResolveDirectory() => Path.GetFullPath(Directory);
}

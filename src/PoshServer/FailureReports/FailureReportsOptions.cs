using System.ComponentModel.DataAnnotations;

namespace PoshServer.FailureReports;

/// <summary>The failure report endpoint. Section "FailureReports".</summary>
internal sealed class FailureReportsOptions
{
    public const string Section = "FailureReports";

    /// <summary>Path of the POST endpoint on the public HTTPS listener. Default "/posh-reports".</summary>
    [Required]
    public string Path { get; set; } = "/posh-reports";

    /// <summary>Largest accepted body. Default 8192 bytes; range 512 – 65536.</summary>
    [Range(512, 65_536)]
    public int MaxBodyBytes { get; set; } = 8192;

    /// <summary>Reports kept per domain (the newest). Default 50; range 1 – 1000.</summary>
    [Range(1, 1000)]
    public int PerDomain { get; set; } = 50;

    /// <summary>How long reports are kept. Default 7 days; range 1 min – 90 days.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "90.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Reports accepted per client address per minute (an IPv6 client counts per /64; addresses are spread over at most
    /// 4,096 limiters, so memory is bounded whatever the peers). Default 10; range 1 – 10000.
    /// </summary>
    [Range(1, 10_000)]
    public int PermitsPerMinute { get; set; } = 10;
}

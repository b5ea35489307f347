using System.ComponentModel.DataAnnotations;

namespace PoshServer.TenantChecks;

/// <summary>Tenant set-up checks. Section "TenantChecks".</summary>
internal sealed class TenantChecksOptions
{
    public const string Section = "TenantChecks";

    /// <summary>The hoster's XMPP host names that tenants' SRV records must point at. Empty: the SRV check is skipped.</summary>
    public List<string> XmppHosts { get; set; } = [];

    /// <summary>Run checks in the background. Default true.</summary>
    public bool Background { get; set; } = true;

    /// <summary>Time between background rounds. Default 1 h; range 1 min – 7 days.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Tenants checked at once. Default 4; range 1 – 64.</summary>
    [Range(1, 64)]
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Time allowed for one tenant's checks. Default 60 s; range 1 s – 10 min.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);
}

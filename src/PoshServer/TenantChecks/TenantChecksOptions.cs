using System.ComponentModel.DataAnnotations;

namespace PoshServer.TenantChecks;

/// <summary>Tenant set-up checks. Section "TenantChecks".</summary>
internal sealed class TenantChecksOptions
{
    public const string Section = "TenantChecks";

    /// <summary>
    /// The hoster's XMPP host names that tenants' SRV records must point at. Default none: then the SRV check is
    /// skipped and no background round runs (a round looks every tenant up on the network).
    /// </summary>
    public List<string> XmppHosts { get; set; } = [];

    /// <summary>Run checks in the background once <see cref="XmppHosts"/> is set. Default true.</summary>
    public bool Background { get; set; } = true;

    /// <summary>Whether background rounds run, from <see cref="XmppHosts"/> and <see cref="Background"/>.</summary>
    public TenantCheckSchedule Schedule =>
        XmppHosts.Count == 0 ? TenantCheckSchedule.NotConfigured : Background ? TenantCheckSchedule.Background : TenantCheckSchedule.Off;

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

using System.ComponentModel.DataAnnotations;

namespace PoshServer.Rotation;

/// <summary>Certificate rotation (S-12). Section "Rotation".</summary>
internal sealed class RotationOptions
{
    public const string Section = "Rotation";

    /// <summary>
    /// The rotation state file (first-seen time of every fingerprint, what was deployed when, the last switch),
    /// so a restart does not reset safe-at times. Relative paths resolve against the working directory.
    /// Default "data/rotation-state.json".
    /// </summary>
    [Required]
    public string StatePath { get; set; } = "data/rotation-state.json";

    /// <summary>Wait on top of the longest <c>expires</c> before a switch is safe (clock skew, HTTP caches). Default 15 min; range 0 – 7 days.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan Margin { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the state is re-evaluated without any file change (to notice deployments by other tools). Default 1 min; range 1 s – 1 h.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Time allowed for the reload command. Default 2 min; range 1 s – 30 min.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan ReloadTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Wait before retrying a failed automatic switch. Default 15 min; range 1 s – 1 day.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SwitchRetryDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The TTL of the tenants' TLSA records when they publish DANE (RFC 7671 §8.1: publish the next key's record, wait
    /// for the old RRset to leave caches, then switch). When set, safe-at waits for whichever drains last, POSH
    /// documents or TLSA RRsets, and <c>certificates rotation</c> lists the next key's 3 1 1 record. Default null
    /// (DANE off); range 0 – 7 days.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan? DaneTlsaTtl { get; set; }

    public string ResolveStatePath() => Path.GetFullPath(StatePath);
}

namespace PoshServer.TenantChecks;

/// <summary>Whether background tenant checks run, as the status report shows it.</summary>
internal enum TenantCheckSchedule
{
    /// <summary><c>TenantChecks:XmppHosts</c> is not set: no background round, so no network lookups (issue 14).</summary>
    NotConfigured,

    /// <summary><c>TenantChecks:Background</c> is false: checks run only on demand.</summary>
    Off,

    /// <summary>A round once the server listens, then every <c>TenantChecks:Interval</c>.</summary>
    Background,
}

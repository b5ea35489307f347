namespace PoshServer.Tenants;

/// <summary>What a look at one named tenant file found.</summary>
internal enum TenantFileProbeState
{
    /// <summary>The file is there (its stamp may still be unknown for a link).</summary>
    Present,

    /// <summary>The directory is readable and the file is not in it: the tenant is withdrawn.</summary>
    Gone,

    /// <summary>The file or its directory could not be examined: nothing is known, the last good version serves.</summary>
    Unreadable,
}

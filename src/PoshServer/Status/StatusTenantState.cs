namespace PoshServer.Status;

/// <summary>A tenant's headline on the status page, in the order the page lists them: what needs attention first.</summary>
internal enum StatusTenantState
{
    /// <summary>The latest check, made on the tenant as it is now, fails for our own verifier.</summary>
    Fail,

    /// <summary>The latest check warns: works today but fragile.</summary>
    Warn,

    /// <summary>The tenant changed (or was disabled) after its latest check: that verdict no longer says anything.</summary>
    Stale,

    /// <summary>No check yet, or the check could not run.</summary>
    NotChecked,

    Pass,

    /// <summary>Disabled: every document answers 404 (its delegation is revoked), so it is not checked.</summary>
    Disabled,
}

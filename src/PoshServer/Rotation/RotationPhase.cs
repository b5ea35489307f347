namespace PoshServer.Rotation;

/// <summary>Where a certificate set is in its rotation (S-12).</summary>
internal enum RotationPhase
{
    /// <summary>Nothing pending: the deployed certificate is published and no other is waiting or draining.</summary>
    Steady,

    /// <summary>A next certificate is published; deploying it now would fail clients holding older documents.</summary>
    Publishing,

    /// <summary>The next certificate has been published long enough: it may be deployed.</summary>
    SafeToDeploy,

    /// <summary>The switch happened; the old certificate stays published until cached documents have expired.</summary>
    Draining,

    /// <summary>The last automatic switch failed; it is retried later.</summary>
    SwitchFailed,

    /// <summary>The deployed certificate cannot be read, or it was deployed without being published first.</summary>
    Attention,
}

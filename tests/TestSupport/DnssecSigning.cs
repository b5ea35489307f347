namespace PoshTesting;

/// <summary>How <see cref="DnssecServer"/> signs a zone.</summary>
internal enum DnssecSigning
{
    /// <summary>Not signed and no trust anchor: answers are insecure.</summary>
    Unsigned,

    /// <summary>Signed now, valid for 30 days, with its KSK as a trust anchor of the validating resolver.</summary>
    Valid,

    /// <summary>Signed with signatures that expired two days ago (inception ten days ago): every answer is bogus.</summary>
    Expired,
}

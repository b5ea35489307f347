namespace PoshClient.Dns;

/// <summary>How a DNS lookup ended. Only <see cref="Success"/> carries records.</summary>
internal enum DnsResponseStatus
{
    /// <summary>NOERROR with at least one answer of the requested type.</summary>
    Success,

    /// <summary>NOERROR without answers of the requested type (NODATA).</summary>
    NoData,

    /// <summary>NXDOMAIN: the name does not exist.</summary>
    NameError,

    /// <summary>Every server answered SERVFAIL or REFUSED.</summary>
    ServerFailure,

    /// <summary>No server answered within the time budget.</summary>
    Timeout,

    /// <summary>A malformed or mismatching response, or a network error.</summary>
    Failure,
}

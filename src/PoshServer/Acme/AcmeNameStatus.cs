namespace PoshServer.Acme;

/// <summary>Where one host name stands, as shown by <c>certificates list</c> and the health check.</summary>
internal enum AcmeNameStatus
{
    Pending,
    Valid,
    PreflightFailed,
    Failed,
    RateLimited,
    Removed,
}

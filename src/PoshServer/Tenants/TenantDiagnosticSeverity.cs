namespace PoshServer.Tenants;

internal enum TenantDiagnosticSeverity
{
    /// <summary>The file is rejected.</summary>
    Error,

    /// <summary>The file is accepted; something is worth the operator's attention (e.g. an expired certificate is no longer published).</summary>
    Warning,
}

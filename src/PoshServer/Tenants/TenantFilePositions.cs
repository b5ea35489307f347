namespace PoshServer.Tenants;

/// <summary>Where the keys that cross-file checks refer to were written, so their messages point at the right line.</summary>
internal sealed record TenantFilePositions((int Line, int Column) Domain, (int Line, int Column) CertificateSet);

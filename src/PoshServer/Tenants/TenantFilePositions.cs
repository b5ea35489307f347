using System.Runtime.InteropServices;

namespace PoshServer.Tenants;

/// <summary>
/// Where the keys that cross-file checks refer to were written, so their messages point at the right line. A struct:
/// kept inline in every parsed file instead of as one more object per tenant.
/// </summary>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct TenantFilePositions((int Line, int Column) Domain, (int Line, int Column) CertificateSet);

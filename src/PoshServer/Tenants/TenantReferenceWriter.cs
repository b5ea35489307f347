using Microsoft.Extensions.Options;
using PoshClient.Documents;
using PoshServer.Posh;

namespace PoshServer.Tenants;

/// <summary>
/// Writes a tenant's reference documents (RFC 7711 §3.2: the document the tenant puts in its own web root, pointing
/// here). They are fetched once by whoever sets the tenant up, so they are written on first request and kept in the
/// entry, not precomputed for every tenant on every load (two bodies and two hashes per tenant).
/// </summary>
internal sealed class TenantReferenceWriter(IOptions<PoshOptions> poshOptions)
{
    public PoshResponse Write(Tenant tenant, PoshService service)
    {
        var url = poshOptions.Value.TenantDocumentUrl(tenant.Domain, service.ToName());
        return new PoshResponse(PoshDocumentWriter.Write(new ReferenceDocument { Url = url, Expires = tenant.ReferenceExpires }));
    }
}

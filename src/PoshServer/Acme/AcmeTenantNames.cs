using Microsoft.Extensions.Primitives;

namespace PoshServer.Acme;

/// <summary>
/// How the host supplies tenant names to ACME: the current names (tenants with <c>Acme</c> and not <c>Disabled</c>)
/// and a change token for the tenant snapshot.
/// </summary>
internal sealed record AcmeTenantNames(Func<IEnumerable<string>> GetNames, Func<IChangeToken> GetChangeToken);

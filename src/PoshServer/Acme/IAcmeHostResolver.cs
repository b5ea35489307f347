using System.Net;

namespace PoshServer.Acme;

/// <summary>Name resolution for pre-flight checks; the seam tests use to map tenant names to loopback.</summary>
internal interface IAcmeHostResolver
{
    /// <summary>The addresses of <paramref name="hostName"/>; empty when it does not resolve.</summary>
    Task<IReadOnlyList<IPAddress>> ResolveAsync(string hostName, CancellationToken cancellationToken = default);
}

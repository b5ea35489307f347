using System.Net;
using System.Net.Sockets;

namespace PoshServer.Acme;

/// <summary>The system resolver: what the operator's host sees, close enough to what the CA will see.</summary>
internal sealed class SystemAcmeHostResolver : IAcmeHostResolver
{
    public async Task<IReadOnlyList<IPAddress>> ResolveAsync(string hostName, CancellationToken cancellationToken = default)
    {
        try
        {
            return await Dns.GetHostAddressesAsync(hostName, cancellationToken);
        }
        catch (SocketException)
        {
            return [];
        }
    }
}

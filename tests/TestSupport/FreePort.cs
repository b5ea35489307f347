using System.Net;
using System.Net.Sockets;

namespace PoshTesting;

/// <summary>Free loopback ports for fixtures. Bind to 0 and release: a tiny race, which fixtures absorb by retrying start-up.</summary>
internal static class FreePort
{
    public static int Tcp(IPAddress? address = null)
    {
        using var listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A port free for both TCP and UDP (DNS servers listen on both).</summary>
    public static int TcpAndUdp(IPAddress? address = null)
    {
        address ??= IPAddress.Loopback;
        for (var attempt = 0; ; attempt++)
        {
            var port = Tcp(address);
            try
            {
                using var udp = new UdpClient(new IPEndPoint(address, port));
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
                // Taken for UDP; try another.
            }
        }
    }
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PoshTesting;

/// <summary>
/// Loopback ports for fixtures that must know a port before the server binds it (Pebble's http-01 port, Prosody's
/// configuration). A port from a bind to 0 comes from the kernel's ephemeral range, where any later bind to 0 or
/// outgoing connection of another test may take it before the fixture binds it again. These ports come from below
/// that range instead, each handed out once per process, from a random start so that two test processes rarely walk
/// the same ports; a bind checks that the port is free now.
/// </summary>
internal static class FreePort
{
    private const int Lowest = 10_000;
    private static readonly Lock s_lock = new();
    private static readonly int s_ceiling = EphemeralLowest();
    private static int s_next = Random.Shared.Next(Lowest, s_ceiling);

    public static int Tcp(IPAddress? address = null) => Next(address ?? IPAddress.Loopback, udp: false);

    /// <summary>A port free for both TCP and UDP (DNS servers listen on both).</summary>
    public static int TcpAndUdp(IPAddress? address = null) => Next(address ?? IPAddress.Loopback, udp: true);

    private static int Next(IPAddress address, bool udp)
    {
        for (var attempt = 0; attempt < s_ceiling - Lowest; attempt++)
        {
            int port;
            lock (s_lock)
            {
                port = s_next;
                s_next = s_next + 1 < s_ceiling ? s_next + 1 : Lowest;
            }

            if (IsFree(address, port, udp))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"no free port on {address} below {s_ceiling}");
    }

    private static bool IsFree(IPAddress address, int port, bool udp)
    {
        try
        {
            using var tcp = new TcpListener(address, port);
            tcp.Start();
            if (udp)
            {
                using var socket = new UdpClient(new IPEndPoint(address, port));
            }

            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The bottom of the kernel's ephemeral port range (Linux's default is 32768).</summary>
    private static int EphemeralLowest()
    {
        const string RangeFile = "/proc/sys/net/ipv4/ip_local_port_range";
        var fields = File.Exists(RangeFile) ? File.ReadAllText(RangeFile).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) : [];
        return fields.Length > 0 && int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var lowest) && lowest > Lowest + 1_000
            ? lowest
            : 32_768;
    }
}

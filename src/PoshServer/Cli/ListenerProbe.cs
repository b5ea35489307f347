using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PoshServer.Https;
using PoshServer.Status;

namespace PoshServer.Cli;

/// <summary>
/// Binds every configured listener address once, before Kestrel does, so that a port in use or an address this
/// machine does not have is one line naming the key and the fix, for every listener at once, rather than a host
/// start-up failure with a stack trace. Port 0 (any free port) cannot conflict and is skipped.
/// </summary>
internal static class ListenerProbe
{
    public static IReadOnlyList<StartupProblem> Check(HttpsOptions https, AdminOptions admin)
    {
        var listeners = new List<(string AddressKey, string Address, string PortKey, int Port)>
        {
            ("Https:Address", https.Address, "Https:Port", https.Port),
            ("Https:Address", https.Address, "Https:HttpPort", https.HttpPort),
        };
        if (admin.Enabled)
        {
            listeners.Add(("Admin:Address", admin.Address, "Admin:Port", admin.Port));
        }

        var problems = new List<StartupProblem>();
        var seen = new Dictionary<IPEndPoint, string>();
        foreach (var (addressKey, address, portKey, port) in listeners)
        {
            if (!TryParse(address, out var ip))
            {
                var problem = new StartupProblem(ExitCodes.InvalidConfiguration, $"{addressKey} '{address}' is not an IP address, 'localhost' or '*'. Fix: set {addressKey} to one of those.");
                if (!problems.Contains(problem))
                {
                    problems.Add(problem);
                }

                continue;
            }

            if (ip.IsIPv4MappedToIPv6)
            {
                problems.Add(new StartupProblem(ExitCodes.InvalidConfiguration, $"{addressKey} '{address}' is an IPv4-mapped IPv6 address, which cannot be bound. Fix: write it as {ip.MapToIPv4()}."));
                continue;
            }

            if (port == 0)
            {
                continue;
            }

            var endPoint = new IPEndPoint(ip, port);
            if (seen.TryGetValue(endPoint, out var other))
            {
                problems.Add(new StartupProblem(ExitCodes.BindFailed, $"{portKey} and {other} are both {Display(endPoint)}. Fix: give each listener its own port."));
                continue;
            }

            seen[endPoint] = portKey;
            if (TryBind(endPoint) is { } error)
            {
                problems.Add(new StartupProblem(ExitCodes.BindFailed, Describe(error, endPoint, addressKey, portKey)));
            }
        }

        return problems;
    }

    private static bool TryParse(string address, out IPAddress ip)
    {
        if (address is "*" or "" or "::" or "0.0.0.0")
        {
            ip = IPAddress.IPv6Any;
            return true;
        }

        if (string.Equals(address, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            ip = IPAddress.Loopback;
            return true;
        }

        return IPAddress.TryParse(address, out ip!);
    }

    private static SocketError? TryBind(IPEndPoint endPoint)
    {
        try
        {
            using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            if (endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                // As Kestrel's ListenAnyIP: one dual-mode socket for IPv4 and IPv6.
                socket.DualMode = true;
            }

            socket.Bind(endPoint);
            return null;
        }
        catch (SocketException ex)
        {
            return ex.SocketErrorCode;
        }
    }

    private static string Describe(SocketError error, IPEndPoint endPoint, string addressKey, string portKey) => error switch
    {
        SocketError.AddressAlreadyInUse =>
            $"{portKey}: {Display(endPoint)} is already in use. Fix: stop the process listening there, or set {portKey} to a free port.",
        SocketError.AddressNotAvailable =>
            $"{addressKey}: {endPoint.Address} is not an address of this machine. Fix: set {addressKey} to one of its addresses, 127.0.0.1 or '*'.",
        SocketError.AccessDenied =>
            string.Create(CultureInfo.InvariantCulture, $"{portKey}: binding port {endPoint.Port} needs privileges. Fix: use a port of 1024 or more (map 443 to it) or grant CAP_NET_BIND_SERVICE."),
        _ => $"{portKey}: {Display(endPoint)} cannot be bound ({error}). Fix: check {addressKey} and {portKey}.",
    };

    private static string Display(IPEndPoint endPoint) =>
        endPoint.Address.Equals(IPAddress.IPv6Any) ? string.Create(CultureInfo.InvariantCulture, $"*:{endPoint.Port}") : endPoint.ToString();
}

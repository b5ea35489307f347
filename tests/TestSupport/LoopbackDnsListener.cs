using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace PoshTesting;

/// <summary>
/// The sockets of a DNS server written in a test: UDP and TCP on the same loopback port (RFC 1035 §4.2), the receive
/// and accept loops, and TCP's two-byte length framing (§4.2.2). What is answered is the owner's: each datagram goes to
/// <c>onUdp</c> (which replies with <see cref="SendAsync"/>), each TCP query, read whole, to <c>onTcp</c> with the
/// connection's stream. With <c>concurrent</c> every query is handled on its own task (a proxy waiting on its upstream);
/// without, in order of arrival, and a handler's exception ends the loop and surfaces in <see cref="DisposeAsync"/>.
/// </summary>
internal sealed class LoopbackDnsListener : IAsyncDisposable
{
    private readonly Socket _udp;
    private readonly TcpListener _tcp;
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<byte[], IPEndPoint, CancellationToken, Task> _onUdp;
    private readonly Func<byte[], NetworkStream, CancellationToken, Task> _onTcp;
    private readonly bool _concurrent;
    private readonly Task _udpLoop;
    private readonly Task _tcpLoop;

    public LoopbackDnsListener(
        IPAddress address,
        Func<byte[], IPEndPoint, CancellationToken, Task> onUdp,
        Func<byte[], NetworkStream, CancellationToken, Task> onTcp,
        bool concurrent)
    {
        _onUdp = onUdp;
        _onTcp = onTcp;
        _concurrent = concurrent;
        (_udp, _tcp) = Bind(address);
        EndPoint = (IPEndPoint)_udp.LocalEndPoint!;
        _udpLoop = Task.Run(ServeUdpAsync);
        _tcpLoop = Task.Run(ServeTcpAsync);
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Cancelled when the listener stops.</summary>
    public CancellationToken Stopping => _stop.Token;

    public ValueTask<int> SendAsync(ReadOnlyMemory<byte> datagram, IPEndPoint client, CancellationToken cancellationToken) =>
        _udp.SendToAsync(datagram, SocketFlags.None, client, cancellationToken);

    public static async Task<byte[]> ReadFramedAsync(Stream stream, CancellationToken cancellationToken)
    {
        var prefix = new byte[2];
        await stream.ReadExactlyAsync(prefix, cancellationToken);
        var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
        await stream.ReadExactlyAsync(message, cancellationToken);
        return message;
    }

    public static async Task WriteFramedAsync(Stream stream, byte[] message, CancellationToken cancellationToken)
    {
        var prefix = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(prefix, (ushort)message.Length);
        await stream.WriteAsync(prefix, cancellationToken);
        await stream.WriteAsync(message, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _udp.Dispose();
        _tcp.Stop();
        await Task.WhenAll(_udpLoop, _tcpLoop).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    /// <summary>A UDP port from the OS, and TCP on the same number; another process may hold that TCP port, so retry.</summary>
    private static (Socket Udp, TcpListener Tcp) Bind(IPAddress address)
    {
        for (var attempt = 1; ; attempt++)
        {
            var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(address, 0));
            var tcp = new TcpListener((IPEndPoint)udp.LocalEndPoint!);
            try
            {
                tcp.Start();
                return (udp, tcp);
            }
            catch (SocketException) when (attempt < 20)
            {
                udp.Dispose();
            }
        }
    }

    private static bool IsStopping(Exception ex) => ex is OperationCanceledException or ObjectDisposedException or SocketException;

    private async Task ServeUdpAsync()
    {
        var buffer = new byte[65535];
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _udp.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
            }
            catch (Exception ex) when (IsStopping(ex))
            {
                return;
            }

            var query = buffer[..received.ReceivedBytes];
            var client = (IPEndPoint)received.RemoteEndPoint;
            if (_concurrent)
            {
                _ = Task.Run(() => _onUdp(query, client, _stop.Token));
            }
            else
            {
                try
                {
                    await _onUdp(query, client, _stop.Token);
                }
                catch (Exception ex) when (IsStopping(ex))
                {
                    return;
                }
            }
        }
    }

    private async Task ServeTcpAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _tcp.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (IsStopping(ex))
            {
                return;
            }

            var work = AnswerTcpAsync(client);
            if (!_concurrent)
            {
                await work;
            }
        }
    }

    private async Task AnswerTcpAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var query = await ReadFramedAsync(stream, _stop.Token);
                await _onTcp(query, stream, _stop.Token);
            }
            catch (Exception ex) when (IsStopping(ex) || ex is IOException)
            {
                // Stopping, or a client that went away.
            }
        }
    }
}

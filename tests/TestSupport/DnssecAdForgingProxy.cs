using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace PoshTesting;

/// <summary>
/// A non-validating "resolver" that lies: it forwards every query, over UDP or TCP, to an upstream server (nsd, which
/// never validates) and sets the AD bit (RFC 4035 §3.2.3) on every response, bogus data included. A client that
/// believes its AD bit calls a tampered record secure; a client that validates in-process must not.
/// Listens on 127.0.63.3, on loopback like a trusted local resolver would.
/// </summary>
internal sealed class DnssecAdForgingProxy : IAsyncDisposable
{
    public static readonly IPAddress Address = IPAddress.Parse("127.0.63.3");

    private readonly IPEndPoint _upstream;
    private readonly Socket _udp;
    private readonly TcpListener _tcp;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _udpLoop;
    private readonly Task _tcpLoop;

    public DnssecAdForgingProxy(IPEndPoint upstream)
    {
        _upstream = upstream;
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.TcpAndUdp(Address);
            var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var tcp = new TcpListener(Address, port);
            try
            {
                udp.Bind(new IPEndPoint(Address, port));
                tcp.Start();
                (_udp, _tcp) = (udp, tcp);
                break;
            }
            catch (SocketException) when (attempt < 20)
            {
                udp.Dispose();
                tcp.Stop();
            }
        }

        EndPoint = (IPEndPoint)_udp.LocalEndPoint!;
        _udpLoop = Task.Run(ServeUdpAsync);
        _tcpLoop = Task.Run(ServeTcpAsync);
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>How many responses went out with the forged AD bit.</summary>
    public int Forged => _forged;

    private int _forged;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _udp.Dispose();
        _tcp.Stop();
        await Task.WhenAll(_udpLoop, _tcpLoop).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    private byte[] Forge(byte[] response)
    {
        if (response.Length >= 4)
        {
            response[3] |= 0x20;
            Interlocked.Increment(ref _forged);
        }

        return response;
    }

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
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var query = buffer[..received.ReceivedBytes];
            var client = received.RemoteEndPoint;
            _ = Task.Run(async () =>
            {
                try
                {
                    using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                    await upstream.ConnectAsync(_upstream, _stop.Token);
                    await upstream.SendAsync(query, SocketFlags.None, _stop.Token);
                    var answer = new byte[65535];
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    timeout.CancelAfter(TimeSpan.FromSeconds(10));
                    var length = await upstream.ReceiveAsync(answer, SocketFlags.None, timeout.Token);
                    await _udp.SendToAsync(Forge(answer[..length]), SocketFlags.None, client, _stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    // Stopping, or upstream silent: the client times out as with any lost datagram.
                }
            });
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
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        var stream = client.GetStream();
                        var query = await ReadFramedAsync(stream);
                        using var upstream = new TcpClient();
                        await upstream.ConnectAsync(_upstream, _stop.Token);
                        var upstreamStream = upstream.GetStream();
                        await WriteFramedAsync(upstreamStream, query);
                        var answer = await ReadFramedAsync(upstreamStream);
                        await WriteFramedAsync(stream, Forge(answer));
                    }
                    catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException or IOException)
                    {
                        // Stopping, or a client that went away.
                    }
                }
            });
        }
    }

    private async Task<byte[]> ReadFramedAsync(NetworkStream stream)
    {
        var prefix = new byte[2];
        await stream.ReadExactlyAsync(prefix, _stop.Token);
        var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
        await stream.ReadExactlyAsync(message, _stop.Token);
        return message;
    }

    private async Task WriteFramedAsync(NetworkStream stream, byte[] message)
    {
        var prefix = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(prefix, (ushort)message.Length);
        await stream.WriteAsync(prefix, _stop.Token);
        await stream.WriteAsync(message, _stop.Token);
    }
}

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
    private readonly LoopbackDnsListener _listener;
    private int _forged;

    public DnssecAdForgingProxy(IPEndPoint upstream)
    {
        _upstream = upstream;
        _listener = new LoopbackDnsListener(Address, ForwardUdpAsync, ForwardTcpAsync, concurrent: true);
    }

    public IPEndPoint EndPoint => _listener.EndPoint;

    /// <summary>How many responses went out with the forged AD bit.</summary>
    public int Forged => _forged;

    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    private byte[] Forge(byte[] response)
    {
        if (response.Length >= 4)
        {
            response[3] |= 0x20;
            Interlocked.Increment(ref _forged);
        }

        return response;
    }

    private async Task ForwardUdpAsync(byte[] query, IPEndPoint client, CancellationToken stopping)
    {
        try
        {
            using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            await upstream.ConnectAsync(_upstream, stopping);
            await upstream.SendAsync(query, SocketFlags.None, stopping);
            var answer = new byte[65535];
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var length = await upstream.ReceiveAsync(answer, SocketFlags.None, timeout.Token);
            await _listener.SendAsync(Forge(answer[..length]), client, stopping);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopping, or upstream silent: the client times out as with any lost datagram.
        }
    }

    private async Task ForwardTcpAsync(byte[] query, NetworkStream client, CancellationToken stopping)
    {
        using var upstream = new TcpClient();
        await upstream.ConnectAsync(_upstream, stopping);
        var upstreamStream = upstream.GetStream();
        await LoopbackDnsListener.WriteFramedAsync(upstreamStream, query, stopping);
        var answer = await LoopbackDnsListener.ReadFramedAsync(upstreamStream, stopping);
        await LoopbackDnsListener.WriteFramedAsync(client, Forge(answer), stopping);
    }
}

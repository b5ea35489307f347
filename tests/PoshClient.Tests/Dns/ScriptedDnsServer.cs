using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using PoshClient.Dns;

namespace PoshClient.Tests.Dns;

/// <summary>
/// A fake DNS server on a loopback port for the cases a real server cannot produce (stray datagrams, wrong questions,
/// SERVFAIL, silence). The UDP script returns the datagrams to send for each query (none: stay silent); the TCP script
/// returns one response, which is written in small pieces to exercise the client's read loop.
/// </summary>
internal sealed class ScriptedDnsServer : IAsyncDisposable
{
    private readonly Socket _udp;
    private readonly TcpListener _tcp;
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<ScriptedDnsQuery, IEnumerable<byte[]>> _udpScript;
    private readonly Func<ScriptedDnsQuery, byte[]?>? _tcpScript;
    private readonly Task _udpLoop;
    private readonly Task _tcpLoop;

    public ScriptedDnsServer(Func<ScriptedDnsQuery, IEnumerable<byte[]>> udpScript, Func<ScriptedDnsQuery, byte[]?>? tcpScript = null)
    {
        _udpScript = udpScript;
        _tcpScript = tcpScript;
        (_udp, _tcp) = BindUdpAndTcp();
        EndPoint = (IPEndPoint)_udp.LocalEndPoint!;
        _udpLoop = Task.Run(ServeUdpAsync);
        _tcpLoop = Task.Run(ServeTcpAsync);
    }

    public IPEndPoint EndPoint { get; }

    public ConcurrentQueue<ScriptedDnsQuery> Queries { get; } = new();

    /// <summary>Completes when the first query arrives (to advance a manual clock only once the resolver waits).</summary>
    public TaskCompletionSource<ScriptedDnsQuery> FirstQuery { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A script that never answers.</summary>
    public static IEnumerable<byte[]> Silent(ScriptedDnsQuery query) => [];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _udp.Dispose();
        _tcp.Stop();
        await Task.WhenAll(_udpLoop, _tcpLoop).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    /// <summary>A UDP port from the OS, and TCP on the same number; another process may hold that TCP port, so retry.</summary>
    private static (Socket Udp, TcpListener Tcp) BindUdpAndTcp()
    {
        for (var attempt = 1; ; attempt++)
        {
            var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
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

    private static ScriptedDnsQuery Parse(byte[] message, bool overTcp)
    {
        Assert.True(DnsMessageParser.TryParse(message, includeRecords: false, out var parsed, out var error), error);
        var question = Assert.NotNull(parsed.Question);
        return new ScriptedDnsQuery(message, parsed.Id, question.Name, question.Type, overTcp);
    }

    private ScriptedDnsQuery Record(ScriptedDnsQuery query)
    {
        Queries.Enqueue(query);
        FirstQuery.TrySetResult(query);
        return query;
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

            var query = Record(Parse(buffer[..received.ReceivedBytes], overTcp: false));
            foreach (var datagram in _udpScript(query))
            {
                await _udp.SendToAsync(datagram, SocketFlags.None, received.RemoteEndPoint);
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
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            using (client)
            {
                var stream = client.GetStream();
                var prefix = new byte[2];
                await stream.ReadExactlyAsync(prefix, _stop.Token);
                var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
                await stream.ReadExactlyAsync(message, _stop.Token);
                var response = _tcpScript?.Invoke(Record(Parse(message, overTcp: true)));
                if (response is null)
                {
                    continue;
                }

                // Length prefix, then the body in two separate writes: a client must keep reading until it has it all.
                var half = response.Length / 2;
                await stream.WriteAsync(TestDnsResponse.UInt16((ushort)response.Length), _stop.Token);
                await stream.FlushAsync(_stop.Token);
                await stream.WriteAsync(response.AsMemory(0, half), _stop.Token);
                await stream.FlushAsync(_stop.Token);
                await Task.Delay(20, _stop.Token);
                await stream.WriteAsync(response.AsMemory(half), _stop.Token);
            }
        }
    }
}

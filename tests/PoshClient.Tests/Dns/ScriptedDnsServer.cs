using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using PoshClient.Dns;
using PoshTesting;

namespace PoshClient.Tests.Dns;

/// <summary>
/// A fake DNS server on a loopback port for the cases a real server cannot produce (stray datagrams, wrong questions,
/// SERVFAIL, silence). The UDP script returns the datagrams to send for each query (none: stay silent); the TCP script
/// returns one response, which is written in small pieces to exercise the client's read loop.
/// </summary>
internal sealed class ScriptedDnsServer : IAsyncDisposable
{
    private readonly Func<ScriptedDnsQuery, IEnumerable<byte[]>> _udpScript;
    private readonly Func<ScriptedDnsQuery, byte[]?>? _tcpScript;
    private readonly LoopbackDnsListener _listener;

    public ScriptedDnsServer(Func<ScriptedDnsQuery, IEnumerable<byte[]>> udpScript, Func<ScriptedDnsQuery, byte[]?>? tcpScript = null)
    {
        _udpScript = udpScript;
        _tcpScript = tcpScript;
        // In order of arrival: a script's failed assertion ends the server and fails the test when it is disposed.
        _listener = new LoopbackDnsListener(IPAddress.Loopback, AnswerUdpAsync, AnswerTcpAsync, concurrent: false);
    }

    public IPEndPoint EndPoint => _listener.EndPoint;

    public ConcurrentQueue<ScriptedDnsQuery> Queries { get; } = new();

    /// <summary>Completes when the first query arrives (to advance a manual clock only once the resolver waits).</summary>
    public TaskCompletionSource<ScriptedDnsQuery> FirstQuery { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A script that never answers.</summary>
    public static IEnumerable<byte[]> Silent(ScriptedDnsQuery query) => [];

    public ValueTask DisposeAsync() => _listener.DisposeAsync();

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

    private async Task AnswerUdpAsync(byte[] message, IPEndPoint client, CancellationToken stopping)
    {
        foreach (var datagram in _udpScript(Record(Parse(message, overTcp: false))))
        {
            await _listener.SendAsync(datagram, client, stopping);
        }
    }

    private async Task AnswerTcpAsync(byte[] message, NetworkStream stream, CancellationToken stopping)
    {
        var response = _tcpScript?.Invoke(Record(Parse(message, overTcp: true)));
        if (response is null)
        {
            return;
        }

        // Length prefix, then the body in two separate writes: a client must keep reading until it has it all.
        var half = response.Length / 2;
        await stream.WriteAsync(TestDnsResponse.UInt16((ushort)response.Length), stopping);
        await stream.FlushAsync(stopping);
        await stream.WriteAsync(response.AsMemory(0, half), stopping);
        await stream.FlushAsync(stopping);
        await Task.Delay(20, stopping);
        await stream.WriteAsync(response.AsMemory(half), stopping);
    }
}

using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace PoshClient.Dns;

/// <summary>One query/response exchange with one server, over UDP (RFC 1035 §4.2.1) or TCP (RFC 1035 §4.2.2, RFC 7766).</summary>
internal static class DnsTransport
{
    /// <summary>
    /// The largest possible datagram. We advertise 1232 bytes, but a server may send more without setting TC
    /// (seen in the wild); a smaller buffer would silently cut such an answer.
    /// </summary>
    private const int UdpReceiveBufferSize = 65535;

    /// <summary>
    /// Sends the query from a connected socket, so the kernel drops datagrams from any other address, and waits until a
    /// datagram answers it. Datagrams with another id, without QR, or with another question are ignored (RFC 5452 §9.1):
    /// they are late answers to earlier queries or spoofing attempts, and the real answer may still come.
    /// </summary>
    public static async Task<DnsExchange> ExchangeUdpAsync(IPEndPoint server, byte[] query, ushort id, DnsQuestion question, ILogger logger, CancellationToken cancellationToken)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        await socket.SendAsync(query, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(UdpReceiveBufferSize);
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(0, UdpReceiveBufferSize), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                var datagram = buffer.AsSpan(0, received);
                if (!DnsMessageParser.TryParse(datagram, includeRecords: false, out var header, out var error) || !Answers(header, id, question))
                {
                    logger.IgnoredDatagram(server, id, error ?? "it does not answer the query");
                    continue;
                }

                // A truncated answer is incomplete by definition (RFC 2181 §9); only its header matters, and the caller retries over TCP.
                if (header.IsTruncated)
                {
                    return DnsExchange.Answered(header);
                }

                return DnsMessageParser.TryParse(datagram, includeRecords: true, out var message, out error)
                    ? DnsExchange.Answered(message)
                    : DnsExchange.Failed($"malformed response from {server}: {error}");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Sends the query with its two-byte length prefix and reads exactly the advertised length of the response
    /// (RFC 7766 §8: a response may arrive in several segments).
    /// </summary>
    public static async Task<DnsExchange> ExchangeTcpAsync(IPEndPoint server, byte[] query, ushort id, DnsQuestion question, CancellationToken cancellationToken)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        var stream = new NetworkStream(socket, ownsSocket: false);
        await using var streamScope = stream.ConfigureAwait(false);
        var framed = new byte[query.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)query.Length);
        query.CopyTo(framed, 2);
        await stream.WriteAsync(framed, cancellationToken).ConfigureAwait(false);

        var prefix = new byte[2];
        byte[] response;
        try
        {
            await stream.ReadExactlyAsync(prefix, cancellationToken).ConfigureAwait(false);
            response = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
            await stream.ReadExactlyAsync(response, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException)
        {
            return DnsExchange.Failed($"{server} closed the TCP connection before sending a complete response");
        }

        // On a TCP connection nothing else can arrive, so a response to another question is an error, not noise.
        if (!DnsMessageParser.TryParse(response, includeRecords: true, out var message, out var error))
        {
            return DnsExchange.Failed($"malformed TCP response from {server}: {error}");
        }

        return Answers(message, id, question)
            ? DnsExchange.Answered(message)
            : DnsExchange.Failed($"the TCP response from {server} does not answer the query");
    }

    private static bool Answers(DnsMessage message, ushort id, DnsQuestion question) =>
        message.Id == id && message.IsResponse && message.Question is { } echoed && echoed.Matches(question);
}

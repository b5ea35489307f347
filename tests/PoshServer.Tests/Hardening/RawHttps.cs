using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace PoshServer.Tests.Hardening;

/// <summary>Sends bytes HttpClient would refuse to send (malformed Host, absolute-form targets, huge headers) over real TLS.</summary>
internal static class RawHttps
{
    public static async Task<RawResponse> SendAsync(int port, string sni, string request, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        using var tls = await ConnectAsync(port, sni, timeout.Token);
        await tls.WriteAsync(Encoding.Latin1.GetBytes(request), timeout.Token);
        await tls.FlushAsync(timeout.Token);
        using var buffer = new MemoryStream();
        try
        {
            await tls.CopyToAsync(buffer, timeout.Token);
        }
        catch (IOException)
        {
            // The server may reset after answering a request it rejects; what arrived is the answer.
        }

        var text = Encoding.Latin1.GetString(buffer.ToArray());
        var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var statusLine = text.Split("\r\n", 2)[0];
        var status = statusLine.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) ? int.Parse(statusLine.AsSpan(9, 3), provider: null) : 0;
        return new RawResponse(status, headerEnd < 0 ? text : text[..headerEnd], headerEnd < 0 ? string.Empty : text[(headerEnd + 4)..]);
    }

    public static async Task<SslStream> ConnectAsync(int port, string sni, CancellationToken cancellationToken)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = sni,
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
                ApplicationProtocols = [SslApplicationProtocol.Http11],
            },
            cancellationToken);
        return tls;
    }
}

using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PoshClient.Tests.Xmpp;

/// <summary>
/// A scripted XMPP server on 127.0.0.1:0 for protocol edge cases a real server will not produce (after MailKit's
/// replay streams): the script reads what the client sends and answers with canned XML, and can switch to TLS.
/// </summary>
internal sealed class FakeXmppServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Task _serving;
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(30));

    public FakeXmppServer(Func<Session, CancellationToken, Task> script)
    {
        _listener.Start();
        _serving = ServeAsync(script);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Everything the client sent before TLS, as text.</summary>
    public StringBuilder Received { get; } = new();

    public string? ClientSni { get; private set; }

    public SslApplicationProtocol? NegotiatedAlpn { get; private set; }

    public IReadOnlyList<SslApplicationProtocol> AlpnOffered { get; set; } = [new("xmpp-client"), new("xmpp-server")];

    public Exception? ScriptError { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _serving;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task ServeAsync(Func<Session, CancellationToken, Task> script)
    {
        using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
        await using var session = new Session(this, client.GetStream());
        try
        {
            await script(session, _stop.Token);
        }
        catch (IOException ex)
        {
            ScriptError = ex;
        }
        catch (System.Security.Authentication.AuthenticationException ex)
        {
            ScriptError = ex;
        }
    }

    internal sealed class Session(FakeXmppServer owner, Stream network) : IAsyncDisposable
    {
        private Stream _stream = network;

        /// <summary>Reads until the accumulated input contains <paramref name="marker"/>.</summary>
        public async Task<string> ReadUntilAsync(string marker, CancellationToken cancellationToken)
        {
            var text = new StringBuilder();
            var buffer = new byte[1];
            while (!text.ToString().Contains(marker, StringComparison.Ordinal))
            {
                if (await _stream.ReadAsync(buffer, cancellationToken) == 0)
                {
                    throw new IOException("client closed the connection; received: " + text);
                }

                text.Append((char)buffer[0]);
            }

            owner.Received.Append(text);
            return text.ToString();
        }

        public async Task WriteAsync(string xml, CancellationToken cancellationToken)
        {
            await _stream.WriteAsync(Encoding.UTF8.GetBytes(xml), cancellationToken);
            await _stream.FlushAsync(cancellationToken);
        }

        /// <summary>Completes a TLS handshake as the server with <paramref name="certificate"/>.</summary>
        public async Task StartTlsAsync(X509Certificate2 certificate, CancellationToken cancellationToken)
        {
            var tls = new SslStream(_stream, leaveInnerStreamOpen: false);
            await tls.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions
                {
                    ServerCertificate = certificate,
                    ApplicationProtocols = [.. owner.AlpnOffered],
                    ClientCertificateRequired = false,
                },
                cancellationToken);
            owner.ClientSni = tls.TargetHostName;
            owner.NegotiatedAlpn = tls.NegotiatedApplicationProtocol;
            _stream = tls;
        }

        /// <summary>Waits until the client closes (or the test ends).</summary>
        public async Task DrainAsync(CancellationToken cancellationToken)
        {
            var buffer = new byte[256];
            try
            {
                while (await _stream.ReadAsync(buffer, cancellationToken) > 0)
                {
                }
            }
            catch (IOException)
            {
            }
        }

        public ValueTask DisposeAsync() => _stream.DisposeAsync();
    }
}

using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Security;
using System.Text;
using PoshClient.Dane;
using PoshClient.Documents;

namespace PoshClient.Xmpp;

/// <summary>
/// The TLS upgrade of one connected socket, in one place (house style rule 17, after MailKit's SmtpClient):
/// STARTTLS (RFC 6120 §5.4: stream header → features → &lt;starttls/&gt; → &lt;proceed/&gt; → TLS over the same
/// socket → fresh stream header → features) or XEP-0368 direct TLS (TLS at once, SNI and ALPN, then the stream).
/// </summary>
/// <remarks>
/// The TLS callback is synchronous, but POSH needs an HTTPS lookup. So the callback only captures the presented
/// certificates and accepts provisionally; the decision (PKIX, then POSH from the lookup the connector prefetched
/// in parallel with DNS, RFC 7711 §5) is awaited right after the handshake, before a single byte is written over
/// TLS. A rejected certificate closes the connection with nothing sent, so no credentials or stanzas can leak.
/// A peer that presents no certificate is refused inside the handshake: POSH rescues chain and name failures only.
/// </remarks>
internal sealed class XmppTlsNegotiator(PoshCertificateValidator validator, TimeProvider timeProvider)
{
    /// <summary>
    /// The TLS client options, built in one place: SNI = the domain (XEP-0368 MUST for direct TLS; always sent for
    /// STARTTLS, RFC 7712 §5.2), ALPN xmpp-client/xmpp-server for direct TLS (XEP-0368 §3), no platform revocation
    /// fetch (the PKIX prooftype builds its own chain with the configured policy), OS-default protocol versions.
    /// </summary>
    internal static SslClientAuthenticationOptions CreateSslOptions(string domain, PoshService service, bool directTls, RemoteCertificateValidationCallback callback) => new()
    {
        TargetHost = domain,
        ApplicationProtocols = directTls ? [new SslApplicationProtocol(service.ToName())] : null,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        EnabledSslProtocols = SslProtocols.None,
        EncryptionPolicy = EncryptionPolicy.RequireEncryption,
        RemoteCertificateValidationCallback = callback,
    };

    public async Task<XmppNegotiationOutcome> NegotiateAsync(
        Socket socket,
        XmppEndpoint endpoint,
        string domain,
        PoshService service,
        string? from,
        ConnectStepRecorder steps,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        DaneEndpoint? dane = null)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        var token = linked.Token;
        var network = new NetworkStream(socket, ownsSocket: true);
        SslStream? tls = null;
        var stage = endpoint.DirectTls ? "tls" : "stream";
        var started = steps.Start();
        CertificateValidationResult? decision = null;
        var succeeded = false;
        try
        {
            if (!endpoint.DirectTls)
            {
                var features = await OpenStreamAsync(network, new XmppXmlReader(network), domain, service, from, token).ConfigureAwait(false);
                steps.Add("stream", $"stream opened (id {features.Header.Id ?? "none"}); features: {string.Join(", ", features.Names)}", started, succeeded: true);
                if (features.Element.Child("starttls", XmppNamespaces.Tls) is null)
                {
                    return Failed(XmppConnectStatus.NegotiationFailed, $"the server does not offer STARTTLS (features: {string.Join(", ", features.Names)})");
                }

                stage = "starttls";
                started = steps.Start();
                await RequestStartTlsAsync(network, features.Reader, token).ConfigureAwait(false);
                steps.Add("starttls", "<starttls/> answered with <proceed/>", started, succeeded: true);
                stage = "tls";
                started = steps.Start();
            }

            var capture = new CertificateCapture();
            tls = new SslStream(network, leaveInnerStreamOpen: false);
            await tls.AuthenticateAsClientAsync(CreateSslOptions(domain, service, endpoint.DirectTls, capture.Callback), token).ConfigureAwait(false);
            var alpn = tls.NegotiatedApplicationProtocol == default ? null : tls.NegotiatedApplicationProtocol.ToString();
            steps.Add("tls", $"{tls.SslProtocol}, {tls.NegotiatedCipherSuite}, SNI {domain}{(alpn is null ? string.Empty : ", ALPN " + alpn)}", started, succeeded: true);

            stage = "certificate";
            started = steps.Start();
            try
            {
                decision = await validator.ValidateCoreAsync(domain, service, capture.Leaf!, capture.Intermediates, dane is null ? [] : [dane], token).ConfigureAwait(false);
            }
            finally
            {
                foreach (var intermediate in capture.Intermediates)
                {
                    intermediate.Dispose();
                }
            }

            steps.Add("certificate", decision.Reason, started, decision.IsAccepted);
            if (!decision.IsAccepted)
            {
                return Failed(XmppConnectStatus.CertificateRejected, decision.Reason) with { Certificate = decision, TlsProtocol = tls.SslProtocol.ToString(), ApplicationProtocol = alpn };
            }

            stage = "stream-after-tls";
            started = steps.Start();
            var secured = await OpenStreamAsync(tls, new XmppXmlReader(tls), domain, service, from, token).ConfigureAwait(false);
            if (endpoint.DirectTls && secured.Element.Child("starttls", XmppNamespaces.Tls) is not null)
            {
                // Harmless (XEP-0368: STARTTLS MUST NOT be used inside direct TLS; we simply do not), but worth a note.
                steps.Add("stream-after-tls", "the server offers STARTTLS inside direct TLS; ignored", started, succeeded: true);
            }

            var mechanisms = secured.Element.Child("mechanisms", XmppNamespaces.Sasl)?.Children
                .Where(c => c.Is("mechanism", XmppNamespaces.Sasl)).Select(c => c.Text.Trim()).ToList() ?? [];
            steps.Add("stream-after-tls", $"stream opened over TLS (id {secured.Header.Id ?? "none"}); features: {string.Join(", ", secured.Names)}", started, succeeded: true);
            succeeded = true;
            return new XmppNegotiationOutcome
            {
                Status = XmppConnectStatus.Connected,
                Connection = new XmppConnection(tls, secured.Header.Id, secured.Names, mechanisms),
                Certificate = decision,
                TlsProtocol = tls.SslProtocol.ToString(),
                ApplicationProtocol = alpn,
            };
        }
        catch (XmppProtocolException ex)
        {
            steps.Add(stage, ex.Message, started, succeeded: false);
            return Failed(XmppConnectStatus.NegotiationFailed, $"{stage}: {ex.Message}") with { Certificate = decision };
        }
        catch (AuthenticationException ex)
        {
            var message = "TLS handshake failed: " + Flatten(ex);
            steps.Add(stage, message, started, succeeded: false);
            return Failed(XmppConnectStatus.NegotiationFailed, message);
        }
        catch (IOException ex)
        {
            var message = $"{stage}: connection error: {Flatten(ex)}";
            steps.Add(stage, message, started, succeeded: false);
            return Failed(XmppConnectStatus.NegotiationFailed, message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var message = string.Create(CultureInfo.InvariantCulture, $"{stage}: no progress within {timeout.TotalSeconds:0.###} s");
            steps.Add(stage, message, started, succeeded: false);
            return Failed(XmppConnectStatus.NegotiationFailed, message) with { Certificate = decision };
        }
        finally
        {
            if (!succeeded)
            {
                if (tls is not null)
                {
                    await tls.DisposeAsync().ConfigureAwait(false);
                }

                await network.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>RFC 6120 §4.7: our stream header, then the server's header and its features.</summary>
    private static async Task<StreamFeatures> OpenStreamAsync(Stream stream, XmppXmlReader reader, string domain, PoshService service, string? from, CancellationToken cancellationToken)
    {
        var contentNamespace = service == PoshService.XmppClient ? XmppNamespaces.Client : XmppNamespaces.Server;
        var header = new StringBuilder("<?xml version='1.0'?><stream:stream xmlns='").Append(contentNamespace)
            .Append("' xmlns:stream='").Append(XmppNamespaces.Streams).Append("' to='").Append(SecurityElement.Escape(domain)).Append('\'');
        if (from is not null)
        {
            header.Append(" from='").Append(SecurityElement.Escape(from)).Append('\'');
        }

        header.Append(" version='1.0'>");
        await WriteAsync(stream, header.ToString(), cancellationToken).ConfigureAwait(false);

        var received = await reader.ReadStreamHeaderAsync(cancellationToken).ConfigureAwait(false);
        if (!string.Equals(received.Version, "1.0", StringComparison.Ordinal) && !(received.Version?.StartsWith("1.", StringComparison.Ordinal) ?? false))
        {
            throw new XmppProtocolException($"the server's stream header has version '{received.Version ?? "(none)"}', not 1.0, so it cannot negotiate TLS (RFC 6120 §4.7.5)");
        }

        var element = await reader.ReadElementAsync(cancellationToken).ConfigureAwait(false);
        ThrowIfStreamError(element);
        if (!element.Is("features", XmppNamespaces.Streams))
        {
            throw new XmppProtocolException($"expected <stream:features/>, got <{element.LocalName} xmlns='{element.Namespace}'>");
        }

        return new StreamFeatures(received, element, reader, [.. element.Children.Select(c => c.ToString())]);
    }

    /// <summary>RFC 6120 §5.4.2.3–5.4.2.4: send &lt;starttls/&gt;; &lt;proceed/&gt; or &lt;failure/&gt;.</summary>
    private static async Task RequestStartTlsAsync(Stream stream, XmppXmlReader reader, CancellationToken cancellationToken)
    {
        await WriteAsync(stream, "<starttls xmlns='" + XmppNamespaces.Tls + "'/>", cancellationToken).ConfigureAwait(false);
        var answer = await reader.ReadElementAsync(cancellationToken).ConfigureAwait(false);
        ThrowIfStreamError(answer);
        if (answer.Is("failure", XmppNamespaces.Tls))
        {
            throw new XmppProtocolException("the server answered <starttls/> with <failure/> (RFC 6120 §5.4.2.2)");
        }

        if (!answer.Is("proceed", XmppNamespaces.Tls))
        {
            throw new XmppProtocolException($"expected <proceed/> after <starttls/>, got <{answer.LocalName} xmlns='{answer.Namespace}'>");
        }
    }

    private static void ThrowIfStreamError(XmppElement element)
    {
        if (!element.Is("error", XmppNamespaces.Streams))
        {
            return;
        }

        var condition = element.Children.Find(c => string.Equals(c.Namespace, XmppNamespaces.StreamErrors, StringComparison.Ordinal) && !string.Equals(c.LocalName, "text", StringComparison.Ordinal));
        var text = element.Child("text", XmppNamespaces.StreamErrors)?.Text;
        throw new XmppProtocolException($"stream error <{condition?.LocalName ?? "undefined-condition"}/>{(string.IsNullOrWhiteSpace(text) ? string.Empty : ": " + text)} (RFC 6120 §4.9)");
    }

    private static async Task WriteAsync(Stream stream, string text, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Flatten(Exception exception)
    {
        var messages = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            messages.Add(current.Message);
        }

        return string.Join(" → ", messages.Distinct(StringComparer.Ordinal));
    }

    private static XmppNegotiationOutcome Failed(XmppConnectStatus status, string error) => new() { Status = status, Error = error };

    private sealed record StreamFeatures(XmppStreamHeader Header, XmppElement Element, XmppXmlReader Reader, IReadOnlyList<string> Names);

    /// <summary>Keeps copies of the presented certificates; the callback's chain is disposed after it returns.</summary>
    private sealed class CertificateCapture
    {
        public X509Certificate2? Leaf { get; private set; }

        public IReadOnlyList<X509Certificate2> Intermediates { get; private set; } = [];

        public bool Callback(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            {
                // No certificate: not a chain or name failure, so POSH cannot help.
                return false;
            }

            Leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            Intermediates = [.. PoshCertificateValidator.Intermediates(chain).Select(c => X509CertificateLoader.LoadCertificate(c.RawData))];
            return true;
        }
    }
}

using PoshClient.Documents;
using PoshClient.Verification;
using PoshClient.Xmpp;

namespace PoshTesting;

/// <summary>
/// A client of an <see cref="XmppWorld"/>, wired as an application would wire PoshClient, with a fresh POSH cache: the
/// verifier fetches over HTTPS through the world's connect callback and trusts only the world's CA; the validator and
/// connector use the same CA for the PKIX prooftype.
/// </summary>
internal sealed class WorldClient : IDisposable
{
    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;

    public WorldClient(HttpClient http, RecordingHttpHandler requests, PoshVerifier verifier, PoshCertificateValidator validator, XmppConnector connector)
    {
        _http = http;
        Requests = requests;
        Verifier = verifier;
        Validator = validator;
        Connector = connector;
    }

    /// <summary>Every POSH request sent, with its timestamp.</summary>
    public RecordingHttpHandler Requests { get; }

    public PoshVerifier Verifier { get; }

    public PoshCertificateValidator Validator { get; }

    public XmppConnector Connector { get; }

    /// <summary>Connects with the connector's own time-outs, giving up after 30 s.</summary>
    public async Task<XmppConnectResult> ConnectAsync(string domain, PoshService service = PoshService.XmppClient, XmppConnectOptions? options = null)
    {
        using var timeout = new CancellationTokenSource(s_connectTimeout);
        return await Connector.ConnectAsync(domain, service, options, timeout.Token);
    }

    public void Dispose()
    {
        Verifier.Dispose();
        _http.Dispose();
    }
}

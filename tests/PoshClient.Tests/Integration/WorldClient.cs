using PoshClient.Verification;
using PoshClient.Xmpp;

namespace PoshClient.Tests.Integration;

/// <summary>
/// A client of the test world, wired as an application would wire PoshClient, with a fresh POSH cache: the verifier
/// fetches over HTTPS resolved through the world's DNS and trusts only the world's CA; the validator and connector
/// use the same CA for the PKIX prooftype.
/// </summary>
internal sealed class WorldClient : IDisposable
{
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

    public void Dispose()
    {
        Verifier.Dispose();
        _http.Dispose();
    }
}

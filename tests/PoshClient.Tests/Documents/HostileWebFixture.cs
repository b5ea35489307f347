using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using PoshClient;
using PoshClient.Verification;
using PoshTesting;

namespace PoshClient.Tests.Documents;

/// <summary>
/// One scripted HTTPS server and test CA for the hostile-web-server corpus. Each SNI name gets a CA-issued
/// certificate minted on first use, except <c>*.wrongname.test</c> (certificate for another name) and
/// <c>*.untrusted.test</c> (issued by a CA the client does not trust).
/// </summary>
public sealed class HostileWebFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, X509Certificate2> _certificates = new(StringComparer.OrdinalIgnoreCase);

    internal TestCertificateAuthority Authority { get; } = new("PoshClient Test Web Root");

    internal TestCertificateAuthority RogueAuthority { get; } = new("Rogue Root");

    internal ScriptedHttpsServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ScriptedHttpsServer.StartAsync(CertificateFor);

    /// <summary>A verifier that trusts only <see cref="Authority"/> and reaches every host at the scripted server.</summary>
    internal PoshVerifier CreateVerifier(TimeSpan? lookupTimeout = null, int maxDocumentBytes = 64 * 1024, TimeProvider? timeProvider = null)
    {
        var options = new PoshClientOptions
        {
            WebChainPolicy = Authority.CreateChainPolicy(),
            LookupTimeout = lookupTimeout ?? TimeSpan.FromSeconds(10),
            MaxDocumentBytes = maxDocumentBytes,
        };
        var handler = PoshVerifier.CreateHttpHandler(options);
        handler.ConnectCallback = Server.ConnectCallback;
        return new PoshVerifier(new HttpClient(handler), options, timeProvider);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        foreach (var certificate in _certificates.Values)
        {
            certificate.Dispose();
        }

        Authority.Dispose();
        RogueAuthority.Dispose();
    }

    private X509Certificate2 CertificateFor(string? name)
    {
        name ??= "no-sni.test";
        return _certificates.GetOrAdd(name, n =>
            n.EndsWith(".wrongname.test", StringComparison.OrdinalIgnoreCase) ? Authority.Issue(["other-name.test"])
            : n.EndsWith(".untrusted.test", StringComparison.OrdinalIgnoreCase) ? RogueAuthority.Issue([n])
            : Authority.Issue([n]));
    }
}

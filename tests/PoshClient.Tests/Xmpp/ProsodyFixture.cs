using System.Security.Cryptography.X509Certificates;
using PoshTesting;

namespace PoshClient.Tests.Xmpp;

/// <summary>
/// One Prosody for the XMPP integration tests: "pkix.test" with a certificate naming itself, and the tenant
/// "tenant.test" whose certificate names only the hoster, "hosting.test" (the POSH case, RFC 7711 §1). Both are
/// issued by a test CA that the tests, and only they, trust.
/// </summary>
public sealed class ProsodyFixture : IAsyncLifetime
{
    public const string PkixDomain = "pkix.test";
    public const string TenantDomain = "tenant.test";
    public const string HosterName = "hosting.test";

    private ProsodyServer? _server;

    internal TestCertificateAuthority Authority { get; } = new("Prosody Test Root");

    internal X509Certificate2 TenantCertificate { get; private set; } = null!;

    internal ProsodyServer Server => _server ?? throw new InvalidOperationException("Prosody is not running.");

    public async Task InitializeAsync()
    {
        TenantCertificate = Authority.Issue([HosterName]);
        _server = await ProsodyServer.StartAsync(new Dictionary<string, X509Certificate2>(StringComparer.Ordinal)
        {
            [PkixDomain] = Authority.Issue([PkixDomain]),
            [TenantDomain] = TenantCertificate,
        });
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Authority.Dispose();
    }
}

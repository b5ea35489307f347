using System.Security.Cryptography.X509Certificates;

namespace PoshTesting;

/// <summary>One HTTPS site of <see cref="NginxServer"/>.</summary>
public sealed record NginxSite
{
    public required string ServerName { get; init; }

    /// <summary>The site's certificate, with its private key.</summary>
    public required X509Certificate2 Certificate { get; init; }

    /// <summary>Intermediates sent after the certificate.</summary>
    public IReadOnlyList<X509Certificate2>? Chain { get; init; }

    /// <summary>Files by URL path, e.g. "/.well-known/posh/xmpp-server.json".</summary>
    public IReadOnlyDictionary<string, byte[]> Files { get; init; } = new Dictionary<string, byte[]>(StringComparer.Ordinal);

    /// <summary>Exact-path redirects: path → (status, Location).</summary>
    public IReadOnlyDictionary<string, (int Status, string Location)> Redirects { get; init; } = new Dictionary<string, (int Status, string Location)>(StringComparer.Ordinal);
}

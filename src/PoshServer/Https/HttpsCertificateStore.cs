using System.Collections.Immutable;
using System.Net.Security;

namespace PoshServer.Https;

/// <summary>
/// The HTTPS certificates Kestrel presents, by SNI host name. Each entry is a prebuilt
/// <see cref="SslStreamCertificateContext"/> that includes the intermediates (so they are sent, and no chain is built
/// per handshake). The map is immutable and swapped atomically: a handshake never sees a half-updated set.
/// </summary>
internal sealed class HttpsCertificateStore
{
    private ImmutableDictionary<string, SslStreamCertificateContext> _byHost =
        ImmutableDictionary.Create<string, SslStreamCertificateContext>(StringComparer.OrdinalIgnoreCase);

    private SslStreamCertificateContext? _fallback;

    /// <summary>Adds or replaces the certificate for <paramref name="hostName"/>; connections in flight keep the old one.</summary>
    public void Set(string hostName, SslStreamCertificateContext context) =>
        ImmutableInterlocked.AddOrUpdate(ref _byHost, Normalize(hostName), context, (_, _) => context);

    public bool Remove(string hostName) => ImmutableInterlocked.TryRemove(ref _byHost, Normalize(hostName), out _);

    /// <summary>The certificate for clients that send no SNI or an unknown name, if any.</summary>
    public void SetFallback(SslStreamCertificateContext? context) => Volatile.Write(ref _fallback, context);

    public IReadOnlyCollection<string> HostNames => Volatile.Read(ref _byHost).Keys.ToArray();

    /// <summary>Selects by SNI (RFC 6066 §3); falls back for no or unknown names, or returns null to abort the handshake.</summary>
    public SslStreamCertificateContext? Select(string? serverName)
    {
        if (!string.IsNullOrEmpty(serverName) && Volatile.Read(ref _byHost).TryGetValue(Normalize(serverName), out var context))
        {
            return context;
        }

        return Volatile.Read(ref _fallback);
    }

    private static string Normalize(string hostName) => hostName.TrimEnd('.');
}

using System.Collections.Immutable;
using System.Net.Security;
using PoshClient.Names;

namespace PoshServer.Https;

/// <summary>
/// The HTTPS certificates Kestrel presents, by SNI host name. Each entry is an <see cref="HttpsCertificate"/>: one
/// <see cref="SslStreamCertificateContext"/> per certificate (shared by its names) that includes the intermediates
/// (so they are sent, and no chain is built per handshake). The map is immutable and swapped atomically: a handshake
/// never sees a half-updated set. Names are keyed as A-labels without a trailing dot, compared ignoring case.
/// </summary>
internal sealed class HttpsCertificateStore
{
    private ImmutableDictionary<string, HttpsCertificate> _byHost =
        ImmutableDictionary.Create<string, HttpsCertificate>(StringComparer.OrdinalIgnoreCase);

    private HttpsCertificate? _fallback;

    /// <summary>Adds or replaces the certificate for <paramref name="hostName"/>; connections in flight keep the old one.</summary>
    public void Set(string hostName, SslStreamCertificateContext context) => Set(hostName, new HttpsCertificate(context));

    /// <inheritdoc cref="Set(string, SslStreamCertificateContext)"/>
    public void Set(string hostName, HttpsCertificate certificate) =>
        ImmutableInterlocked.AddOrUpdate(ref _byHost, Normalize(hostName), certificate, (_, _) => certificate);

    /// <summary>Adds or replaces many names in one swap (a start-up with thousands of names).</summary>
    public void SetMany(IEnumerable<KeyValuePair<string, HttpsCertificate>> certificates)
    {
        var entries = certificates.Select(entry => KeyValuePair.Create(Normalize(entry.Key), entry.Value)).ToList();
        ImmutableInterlocked.Update(ref _byHost, static (map, added) => map.SetItems(added), entries);
    }

    public bool Remove(string hostName) => ImmutableInterlocked.TryRemove(ref _byHost, Normalize(hostName), out _);

    /// <summary>The certificate for clients that send no SNI or an unknown name, if any.</summary>
    public void SetFallback(SslStreamCertificateContext? context) => SetFallback(context is null ? null : new HttpsCertificate(context));

    /// <inheritdoc cref="SetFallback(SslStreamCertificateContext?)"/>
    public void SetFallback(HttpsCertificate? certificate) => Volatile.Write(ref _fallback, certificate);

    public IReadOnlyCollection<string> HostNames => Volatile.Read(ref _byHost).Keys.ToArray();

    /// <summary>Selects by SNI (RFC 6066 §3); falls back for no or unknown names, or returns null to abort the handshake.</summary>
    public SslStreamCertificateContext? Select(string? serverName)
    {
        if (!string.IsNullOrEmpty(serverName)
            && Volatile.Read(ref _byHost).TryGetValue(Normalize(serverName), out var certificate)
            && certificate.GetContext() is { } context)
        {
            return context;
        }

        return Volatile.Read(ref _fallback)?.GetContext();
    }

    /// <summary>
    /// The A-label form without trailing dot. SslStream hands the server the SNI decoded to a U-label
    /// ("bücher.example" for "xn--bcher-kva.example"), while certificates and tenants name A-labels
    /// (RFC 5890 §2.3.2.1; RFC 6066 §3 sends the A-label on the wire): both must meet in one key.
    /// </summary>
    internal static string Normalize(string hostName) =>
        // Not a valid host name: it matches no stored name (all were normalised), and the handshake falls back or is refused.
        DomainName.TryParse(hostName, out var name) ? name.Value : hostName;
}

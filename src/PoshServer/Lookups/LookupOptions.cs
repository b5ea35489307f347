using System.Net;
using System.Security.Cryptography;
using PoshClient;
using PoshClient.Dane;

namespace PoshServer.Lookups;

/// <summary>
/// How the server's own lookups (tenant checks: SRV, the tenants' well-known documents, the live XMPP certificate) reach
/// DNS and which roots they trust; bound to PoshClient's <see cref="PoshClientOptions"/>. Section "PoshClient". The
/// <c>check</c> and <c>tenants check</c> commands' <c>--dns-server</c> and <c>--trust</c> set the same keys.
/// </summary>
internal sealed class LookupOptions
{
    public const string Section = "PoshClient";

    /// <summary>DNS servers, each "ip" (port 53) or "ip:port" ("[::1]:5353"). Default empty: /etc/resolv.conf.</summary>
    public List<string> DnsServers { get; set; } = [];

    /// <summary>
    /// PEM file of root certificates trusted instead of the system store, for the POSH web servers and the XMPP
    /// certificates alike (private deployments, test worlds). Default none: the system store.
    /// </summary>
    public string? TrustedRoots { get; set; }

    /// <summary>Validating resolvers whose AD bit (DNSSEC) is believed, by IP address. Default empty (loopback resolvers are always believed).</summary>
    public List<string> DnssecTrustedResolvers { get; set; } = [];

    /// <summary>TrustAdFromTrustedResolvers (default) or ValidateInProcess.</summary>
    public DnssecMode? DnssecMode { get; set; }

    /// <summary>DS records of the trust anchors for ValidateInProcess. Default empty: the IANA root keys.</summary>
    public List<string> DnssecTrustAnchors { get; set; } = [];

    /// <summary>Time allowed for one POSH lookup. Default 10 s; range 100 ms – 2 min (checked by PoshClient).</summary>
    public TimeSpan? LookupTimeout { get; set; }

    /// <summary>Copies these settings onto <paramref name="target"/>; returns every value that cannot be used, each with its key.</summary>
    public List<string> ApplyTo(PoshClientOptions target)
    {
        var errors = new List<string>();
        for (var i = 0; i < DnsServers.Count; i++)
        {
            var server = DnsServers[i];
            if (IPEndPoint.TryParse(server, out var endPoint))
            {
                target.DnsServers.Add(endPoint.Port == 0 ? new IPEndPoint(endPoint.Address, 53) : endPoint);
            }
            else
            {
                errors.Add($"{Section}:{nameof(DnsServers)}:{i} '{server}' is not an IP address or ip:port. Fix: write e.g. 192.0.2.53 or [2001:db8::53]:5353.");
            }
        }

        for (var i = 0; i < DnssecTrustedResolvers.Count; i++)
        {
            if (IPAddress.TryParse(DnssecTrustedResolvers[i], out var address))
            {
                target.DnssecTrustedResolvers.Add(address);
            }
            else
            {
                errors.Add($"{Section}:{nameof(DnssecTrustedResolvers)}:{i} '{DnssecTrustedResolvers[i]}' is not an IP address. Fix: write the resolver's address.");
            }
        }

        if (TrustedRoots is { Length: > 0 } path)
        {
            try
            {
                var policy = PoshClient.Pkix.TrustedRoots.LoadPemFile(path);
                target.WebChainPolicy = policy;
                target.XmppChainPolicy = policy;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                errors.Add($"{Section}:{nameof(TrustedRoots)} '{path}': {ex.Message} Fix: point it at a readable PEM file of root certificates.");
            }
        }

        if (DnssecMode is { } mode)
        {
            target.DnssecMode = mode;
        }

        foreach (var anchor in DnssecTrustAnchors)
        {
            target.DnssecTrustAnchors.Add(anchor);
        }

        if (LookupTimeout is { } timeout)
        {
            target.LookupTimeout = timeout;
        }

        return errors;
    }
}

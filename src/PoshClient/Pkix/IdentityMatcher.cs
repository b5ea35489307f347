using PoshClient.Documents;

namespace PoshClient.Pkix;

/// <summary>
/// Matches a reference domain against presented identifiers (RFC 6120 §13.7.2.1 with RFC 9525 §6):
/// DNS-ID, SRV-ID (<c>_xmpp-client.&lt;domain&gt;</c> / <c>_xmpp-server.&lt;domain&gt;</c>) and XmppAddr; never the CN.
/// </summary>
internal static class IdentityMatcher
{
    /// <summary>Returns a description of the first matching identifier (e.g. "DNS-ID *.example.com"), or null.</summary>
    public static string? FindMatch(string referenceDomain, PoshService service, PresentedIdentifiers presented)
    {
        foreach (var dnsName in presented.DnsNames)
        {
            if (MatchesDnsId(referenceDomain, dnsName))
            {
                return "DNS-ID " + dnsName;
            }
        }

        var serviceLabel = "_" + service.ToName();
        foreach (var srvName in presented.SrvNames)
        {
            if (MatchesSrvId(referenceDomain, serviceLabel, srvName))
            {
                return "SRV-ID " + srvName;
            }
        }

        foreach (var xmppAddr in presented.XmppAddrs)
        {
            // A server's XmppAddr is a bare domain (RFC 6120 §13.7.1.4); a JID with a localpart or resource is
            // a user's identity and never a domain's.
            if (DomainNames.TryNormalize(xmppAddr, out var addr) && string.Equals(addr, referenceDomain, StringComparison.Ordinal))
            {
                return "XmppAddr " + xmppAddr;
            }
        }

        return null;
    }

    /// <summary>
    /// RFC 9525 §6.3: labels compared case-insensitively as ASCII; a wildcard is allowed only as the complete
    /// left-most label and matches exactly one label. Anything else with a '*' is an invalid identifier and ignored.
    /// </summary>
    internal static bool MatchesDnsId(string referenceDomain, string presented)
    {
        if (!IsAscii(presented))
        {
            // dNSName is an IA5String of A-labels; a U-label here is malformed.
            return false;
        }

        var name = presented.EndsWith('.') ? presented[..^1] : presented;
        if (!name.Contains('*', StringComparison.Ordinal))
        {
            return string.Equals(name, referenceDomain, StringComparison.OrdinalIgnoreCase);
        }

        if (!name.StartsWith("*.", StringComparison.Ordinal) || name.IndexOf('*', 1) >= 0)
        {
            return false;
        }

        var parent = name[2..];
        // A wildcard directly under a single label ("*.com") would cover a whole TLD; CA/B forbids it, so do we.
        if (!parent.Contains('.', StringComparison.Ordinal))
        {
            return false;
        }

        var dot = referenceDomain.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && string.Equals(referenceDomain[(dot + 1)..], parent, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>RFC 4985 / RFC 9525 §6.5: the service label must equal ours and the name portion must equal the domain (no wildcards).</summary>
    internal static bool MatchesSrvId(string referenceDomain, string serviceLabel, string presented)
    {
        if (!IsAscii(presented))
        {
            return false;
        }

        var dot = presented.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return false;
        }

        var name = presented[(dot + 1)..];
        name = name.EndsWith('.') ? name[..^1] : name;
        return string.Equals(presented[..dot], serviceLabel, StringComparison.OrdinalIgnoreCase)
            && !name.Contains('*', StringComparison.Ordinal)
            && string.Equals(name, referenceDomain, StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsAscii(string value) => value.All(char.IsAscii);
}

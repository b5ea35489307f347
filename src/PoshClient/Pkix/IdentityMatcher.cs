using PoshClient.Documents;
using PoshClient.Names;

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
            if (DomainName.TryParse(xmppAddr, out var addr) && string.Equals(addr.Value, referenceDomain, StringComparison.Ordinal))
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

        // Both sides in the one normalised form (A-labels, lower case, no trailing dot): equal names are equal strings.
        if (!presented.Contains('*', StringComparison.Ordinal))
        {
            return DomainName.TryParse(presented, out var name) && string.Equals(name.Value, referenceDomain, StringComparison.OrdinalIgnoreCase);
        }

        if (!presented.StartsWith("*.", StringComparison.Ordinal) || presented.IndexOf('*', 1) >= 0)
        {
            return false;
        }

        // A wildcard directly under a single label ("*.com") would cover a whole TLD; CA/B forbids it, so do we.
        if (!DomainName.TryParse(presented[2..], out var parent) || parent.IsSingleLabel)
        {
            return false;
        }

        var dot = referenceDomain.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && string.Equals(referenceDomain[(dot + 1)..], parent.Value, StringComparison.OrdinalIgnoreCase);
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

        // The name portion never carries a wildcard; a '*' makes it no host name at all.
        return string.Equals(presented[..dot], serviceLabel, StringComparison.OrdinalIgnoreCase)
            && DomainName.TryParse(presented[(dot + 1)..], out var name)
            && string.Equals(name.Value, referenceDomain, StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsAscii(string value) => value.All(char.IsAscii);
}

using System.Globalization;
using System.Net;

namespace PoshClient.Documents;

/// <summary>Turns a domain as received (a JID domainpart, a stream 'to' or 'from') into the A-label host of the POSH URL.</summary>
internal static class PoshDomain
{
    private static readonly IdnMapping s_idn = new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    /// <summary>
    /// Normalises to lower-case A-labels (posh-spec C-3, RFC 9525 §6.3). Inbound s2s domains come from the peer,
    /// so anything that is not a DNS name (IP literals, empty labels, non-LDH characters) is refused, not thrown.
    /// </summary>
    public static bool TryNormalize(string domain, out string aLabel)
    {
        aLabel = string.Empty;
        var trimmed = domain.EndsWith('.') ? domain[..^1] : domain;
        if (trimmed.Length is 0 or > 253 || IPAddress.TryParse(trimmed, out _) || trimmed.StartsWith('['))
        {
            return false;
        }

        try
        {
            aLabel = s_idn.GetAscii(trimmed).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return false;
        }

        return aLabel.Length <= 253 && aLabel.Contains('.', StringComparison.Ordinal);
    }
}

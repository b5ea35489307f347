using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace PoshClient.Pkix;

/// <summary>
/// Domain names as reference identities: A-labels, lower case, no trailing dot, so that comparison is the
/// case-insensitive ASCII comparison RFC 9525 §6.3 asks for (IDNs compared as A-labels).
/// </summary>
internal static class DomainNames
{
    private static readonly IdnMapping s_idn = new() { AllowUnassigned = false, UseStd3AsciiRules = false };

    /// <summary>
    /// Converts <paramref name="domain"/> to its normalized A-label form, or returns false if it is not a domain name
    /// (IP literals included: an XMPP domain is the reference identity and must be a DNS name, RFC 6120 §13.7.2.1).
    /// </summary>
    public static bool TryNormalize(string? domain, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        if (string.IsNullOrWhiteSpace(domain))
        {
            return false;
        }

        var trimmed = domain.Trim();
        if (trimmed.EndsWith('.'))
        {
            trimmed = trimmed[..^1];
        }

        if (trimmed.Length == 0 || trimmed.Contains('*', StringComparison.Ordinal) || trimmed.Contains('@', StringComparison.Ordinal)
            || trimmed.Contains('/', StringComparison.Ordinal) || trimmed.Contains(' ', StringComparison.Ordinal)
            || trimmed.StartsWith('[') || System.Net.IPAddress.TryParse(trimmed, out _))
        {
            return false;
        }

        try
        {
            normalized = s_idn.GetAscii(trimmed).ToLowerInvariant();
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Like <see cref="TryNormalize"/>, but throws <see cref="ArgumentException"/> naming the parameter.</summary>
    public static string Normalize(string domain, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(domain, parameterName);
        return TryNormalize(domain, out var normalized)
            ? normalized
            : throw new ArgumentException($"'{domain}' is not a valid domain name.", parameterName);
    }
}

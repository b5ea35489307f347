using System.Globalization;

namespace PoshServer.Status;

/// <summary>How the status page shows a domain: the A-label form it is served under, and the U-label form people read.</summary>
internal static class StatusDomains
{
    private static readonly IdnMapping s_idn = new() { UseStd3AsciiRules = true };

    /// <summary>The U-label form of an IDN (RFC 5890 §2.3.2.1), or null when the domain has no A-label or is not valid IDNA.</summary>
    public static string? Unicode(string domain)
    {
        if (!domain.Contains("xn--", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var unicode = s_idn.GetUnicode(domain);
            return string.Equals(unicode, domain, StringComparison.OrdinalIgnoreCase) ? null : unicode;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The A-label form of what an operator typed into the search box, or null when it is not a valid IDN.</summary>
    public static string? Ascii(string text)
    {
        try
        {
            return s_idn.GetAscii(text);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}

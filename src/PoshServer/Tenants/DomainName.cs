using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace PoshServer.Tenants;

/// <summary>
/// Normalises domain names the way they are compared on the wire: A-labels (IDNA, RFC 5891), lower case,
/// no trailing dot (RFC 9525 §6.3: IDNs are compared as A-labels, case-insensitively).
/// </summary>
internal static class DomainName
{
    private static readonly IdnMapping s_idn = new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    public static bool TryNormalize(string? input, [NotNullWhen(true)] out string? domain, [NotNullWhen(false)] out string? error)
    {
        domain = null;
        var value = input?.Trim() ?? string.Empty;
        if (value.EndsWith('.'))
        {
            value = value[..^1];
        }

        if (value.Length == 0)
        {
            error = "the domain is empty";
            return false;
        }

        if (IPAddress.TryParse(value, out _))
        {
            error = $"'{input}' is an IP address, not a domain name";
            return false;
        }

        string ascii;
        try
        {
            ascii = s_idn.GetAscii(value).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            error = $"'{input}' is not a valid domain name (only letters, digits and hyphens in labels of 1-63 characters; IDNs must be valid IDNA)";
            return false;
        }

        if (ascii.Length > 253)
        {
            error = $"'{input}' is longer than 253 characters";
            return false;
        }

        var labels = ascii.Split('.');
        if (labels.Length < 2)
        {
            error = $"'{input}' has a single label; a tenant domain is a fully qualified name like example.com";
            return false;
        }

        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label.StartsWith('-') || label.EndsWith('-') || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                error = $"'{input}' has an invalid label '{label}'";
                return false;
            }
        }

        domain = ascii;
        error = null;
        return true;
    }
}

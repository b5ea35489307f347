using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace PoshClient.Names;

/// <summary>
/// A host name as it is compared on the wire: A-labels (IDNA, RFC 5891), lower case, no trailing dot. RFC 9525 §6.3
/// compares IDNs as A-labels, case-insensitively; RFC 7711 §3 builds the POSH URL from the domain; RFC 6120 §13.7.2.1
/// makes the XMPP domain the reference identity. Every tenant, hoster name, ACME name, SNI key, CLI argument and
/// reference identity goes through <see cref="TryParse(string?, out DomainName?, out DomainNameError?)"/>, so that one
/// spelling (U-label or A-label, any case, with or without the trailing dot) always meets the same key.
/// </summary>
/// <remarks>
/// Host names only: letters, digits and hyphens (STD 3). DNS owner names such as <c>_xmpp-server._tcp.example.com</c>
/// (RFC 2782, RFC 8552 underscored labels) or <c>_5269._tcp.host</c> (RFC 6698) are not host names and are built by
/// prefixing a parsed name, never parsed here. Input from peers is expected to be bad at times, so refusal is a result.
/// </remarks>
internal sealed record DomainName
{
    /// <summary>RFC 1035 §2.3.4: 255 octets on the wire are 253 characters without the root's dot.</summary>
    public const int MaxLength = 253;

    /// <summary>RFC 1035 §2.3.4.</summary>
    public const int MaxLabelLength = 63;

    private const string AcePrefix = "xn--";

    private static readonly IdnMapping s_idn = new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    private DomainName(string value) => Value = value;

    /// <summary>The A-label form: lower case, no trailing dot, e.g. <c>xn--bcher-kva.example</c>.</summary>
    public string Value { get; }

    /// <summary>True for a name without a dot, such as <c>localhost</c>.</summary>
    public bool IsSingleLabel => !Value.Contains('.', StringComparison.Ordinal);

    /// <summary>The U-label form for people, e.g. <c>bücher.example</c> (the A-label form if it has no IDN label).</summary>
    public string ToUnicode()
    {
        if (!Value.Contains(AcePrefix, StringComparison.Ordinal))
        {
            return Value;
        }

        try
        {
            return s_idn.GetUnicode(Value);
        }
        catch (ArgumentException)
        {
            // Cannot happen for a parsed name (its A-labels were round-tripped); the A-label form is still correct.
            return Value;
        }
    }

    public override string ToString() => Value;

    /// <summary>Parses a host name of one or more labels; false for anything else.</summary>
    public static bool TryParse(string? input, [NotNullWhen(true)] out DomainName? name) => TryParse(input, out name, out _);

    /// <summary>Parses a host name of one or more labels, or says why <paramref name="input"/> is not one.</summary>
    public static bool TryParse(string? input, [NotNullWhen(true)] out DomainName? name, [NotNullWhen(false)] out DomainNameError? error)
    {
        name = null;
        if (!TryNormalize(input ?? string.Empty, out var value, out error))
        {
            return false;
        }

        name = new DomainName(value);
        return true;
    }

    /// <summary>
    /// As <see cref="TryParse(string?, out DomainName?, out DomainNameError?)"/>, and the name must have at least two
    /// labels: a tenant's XMPP domain or a POSH host is a fully qualified name like example.com.
    /// </summary>
    public static bool TryParseQualified(string? input, [NotNullWhen(true)] out DomainName? name, [NotNullWhen(false)] out DomainNameError? error)
    {
        if (!TryParse(input, out name, out error))
        {
            return false;
        }

        if (name.IsSingleLabel)
        {
            error = Error(DomainNameErrorKind.SingleLabel, input!, "has a single label; a fully qualified name like example.com is needed", name.Value);
            name = null;
            return false;
        }

        return true;
    }

    /// <inheritdoc cref="TryParseQualified(string?, out DomainName?, out DomainNameError?)"/>
    public static bool TryParseQualified(string? input, [NotNullWhen(true)] out DomainName? name) => TryParseQualified(input, out name, out _);

    /// <summary>
    /// For public entry points, where a name that is not a host name is a broken contract: the parsed name, or an
    /// <see cref="ArgumentException"/> for <paramref name="parameterName"/> that says why.
    /// </summary>
    public static DomainName Parse(string input, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(input, parameterName);
        return TryParse(input, out var name, out var error)
            ? name
            : throw new ArgumentException(error.Message + ".", parameterName);
    }

    /// <summary>True when <paramref name="value"/> is already in the form <see cref="Value"/> has (e.g. a storage key).</summary>
    public static bool IsNormalized(string? value) =>
        TryParse(value, out var name) && string.Equals(name.Value, value, StringComparison.Ordinal);

    /// <summary>Two spellings of one name (U-label and A-label, case, trailing dot) are equal; two non-names are not.</summary>
    public static bool AreEqual(string? left, string? right) =>
        TryParse(left, out var a) && TryParse(right, out var b) && a == b;

    private static bool TryNormalize(string input, out string value, [NotNullWhen(false)] out DomainNameError? error)
    {
        if (IsPlainLowercaseHostName(input))
        {
            value = input[^1] == '.' ? input[..^1] : input;
            error = null;
            return true;
        }

        return TryNormalizeFully(input, out value, out error);
    }

    /// <summary>
    /// Whether <paramref name="input"/> is already an A-label name in normal form with nothing IDNA could change or refuse:
    /// lower-case letters, digits, hyphens and dots only; labels of 1–63 characters, none starting or ending with a
    /// hyphen, none with hyphens in the third and fourth place (which covers "xn--" and what UTS 46 refuses there);
    /// at most 253 characters without the trailing dot; and not an IP address. Such a name is its own normal form, so
    /// the full path (IDNA through ICU, about 10 µs) is skipped: loading 100,000 tenant files parses 100,000 of them.
    /// Anything else takes the full path, which gives the same result for these (tested).
    /// </summary>
    internal static bool IsPlainLowercaseHostName(string input)
    {
        var length = input.Length > 0 && input[^1] == '.' ? input.Length - 1 : input.Length;
        if (length == 0 || length > MaxLength)
        {
            return false;
        }

        var labelStart = 0;
        var lastLabelHasLetter = false;
        for (var i = 0; i <= length; i++)
        {
            if (i == length || input[i] == '.')
            {
                var labelLength = i - labelStart;
                if (labelLength is 0 or > MaxLabelLength || input[labelStart] == '-' || input[i - 1] == '-'
                    || (labelLength >= 4 && input[labelStart + 2] == '-' && input[labelStart + 3] == '-'))
                {
                    return false;
                }

                if (i < length)
                {
                    labelStart = i + 1;
                    lastLabelHasLetter = false;
                }

                continue;
            }

            var c = input[i];
            if (char.IsAsciiLetterLower(c))
            {
                lastLabelHasLetter = true;
            }
            else if (!char.IsAsciiDigit(c) && c != '-')
            {
                return false;
            }
        }

        // A last label with a letter is no IPv4 address in any form IPAddress reads except hexadecimal ("0x7f"): leave
        // those to the full path. No top-level domain is all digits (RFC 3696 §2).
        return lastLabelHasLetter && input.AsSpan(labelStart, length - labelStart).IndexOf("0x", StringComparison.Ordinal) < 0
            && !IPAddress.TryParse(input.AsSpan(0, length), out _);
    }

    /// <summary>The full path: UTS 46 mapping through ICU and every check, for any input.</summary>
    internal static bool TryNormalizeFully(string input, out string value, [NotNullWhen(false)] out DomainNameError? error)
    {
        value = string.Empty;

        // UTS 46 maps the ideographic and fullwidth full stops to '.'; do it first so that labels are split as IDNA will.
        var text = input.Replace('\u3002', '.').Replace('\uFF0E', '.').Replace('\uFF61', '.');
        text = text.EndsWith('.') ? text[..^1] : text;
        if (text.Length == 0)
        {
            error = Error(DomainNameErrorKind.Empty, input, "is empty");
            return false;
        }

        if (IPAddress.TryParse(text, out _) || (text.StartsWith('[') && text.EndsWith(']')))
        {
            error = Error(DomainNameErrorKind.IpAddress, input, "is an IP address, not a domain name");
            return false;
        }

        // Labels are checked before IDNA so that the error names the label at fault; the A-label form is checked again below.
        if (FindBadLabel(text.Split('.')) is { } early)
        {
            error = early with { Input = input };
            return false;
        }

        if (text.Length > MaxLength && text.All(char.IsAscii))
        {
            error = TooLong(input, text.Length);
            return false;
        }

        string ascii;
        try
        {
            ascii = s_idn.GetAscii(text).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            error = Diagnose(input, text);
            return false;
        }

        var labels = ascii.Split('.');
        if (FindBadLabel(labels) is { } late)
        {
            error = late with { Input = input };
            return false;
        }

        if (ascii.Length > MaxLength)
        {
            error = TooLong(input, ascii.Length);
            return false;
        }

        foreach (var label in labels)
        {
            if (label.StartsWith(AcePrefix, StringComparison.Ordinal) && !IsValidALabel(label))
            {
                error = Error(DomainNameErrorKind.InvalidIdna, input, $"is not a valid domain name: '{label}' is not a valid A-label (RFC 5891 §5.4)", label);
                return false;
            }
        }

        value = ascii;
        error = null;
        return true;
    }

    /// <summary>
    /// IDNA refused the whole name; find out why label by label, because the name may only have become too long through
    /// Punycode (ICU reports that as an IDNA error). A U-label too long as an A-label is refused by ICU itself, so its
    /// reason says both.
    /// </summary>
    private static DomainNameError Diagnose(string input, string text)
    {
        var total = 0;
        foreach (var label in text.Split('.'))
        {
            string ascii;
            try
            {
                ascii = s_idn.GetAscii(label);
            }
            catch (ArgumentException)
            {
                return Error(DomainNameErrorKind.InvalidIdna, input, string.Create(CultureInfo.InvariantCulture, $"is not a valid domain name: label '{label}' is not valid IDNA (RFC 5891), or longer than {MaxLabelLength} characters as an A-label"), label);
            }

            if (ascii.Length > MaxLabelLength)
            {
                return Error(DomainNameErrorKind.LabelTooLong, input, string.Create(CultureInfo.InvariantCulture, $"is not a valid domain name: label '{label}' is {ascii.Length} characters long as an A-label, more than {MaxLabelLength}"), label);
            }

            total += ascii.Length + 1;
        }

        return total - 1 > MaxLength
            ? TooLong(input, total - 1)
            : Error(DomainNameErrorKind.InvalidIdna, input, "is not a valid domain name: it is not valid IDNA (RFC 5891)");
    }

    private static DomainNameError TooLong(string input, int length) =>
        Error(DomainNameErrorKind.TooLong, input, string.Create(CultureInfo.InvariantCulture, $"is not a valid domain name: it is {length} characters long as A-labels, more than {MaxLength}"));

    /// <summary>The first label that is empty, too long, or not letters, digits and hyphens (a U-label passes here).</summary>
    private static DomainNameError? FindBadLabel(string[] labels)
    {
        foreach (var label in labels)
        {
            if (label.Length == 0)
            {
                return Error(DomainNameErrorKind.EmptyLabel, string.Empty, "is not a valid domain name: it has an empty label");
            }

            var isAscii = label.All(char.IsAscii);
            if (isAscii && label.Length > MaxLabelLength)
            {
                return Error(DomainNameErrorKind.LabelTooLong, string.Empty, string.Create(CultureInfo.InvariantCulture, $"is not a valid domain name: label '{label}' is {label.Length} characters long, more than {MaxLabelLength}"), label);
            }

            if (label.FirstOrDefault(c => char.IsAscii(c) && !char.IsAsciiLetterOrDigit(c) && c != '-') is var bad and not '\0')
            {
                return Error(DomainNameErrorKind.InvalidCharacter, string.Empty, $"is not a valid domain name: '{bad}' is not allowed in label '{label}' (letters, digits and hyphens only)", label);
            }

            if (label.StartsWith('-') || label.EndsWith('-'))
            {
                return Error(DomainNameErrorKind.HyphenAtLabelEdge, string.Empty, $"is not a valid domain name: label '{label}' starts or ends with a hyphen", label);
            }
        }

        return null;
    }

    /// <summary>
    /// RFC 5891 §5.4: an "xn--" label is an A-label only if it decodes to a valid U-label that encodes back to it;
    /// "xn--a" or "xn--zz" decode to nothing valid and would otherwise pass as LDH labels.
    /// </summary>
    private static bool IsValidALabel(string label)
    {
        try
        {
            var unicode = s_idn.GetUnicode(label);
            return !string.Equals(unicode, label, StringComparison.Ordinal)
                && string.Equals(s_idn.GetAscii(unicode), label, StringComparison.OrdinalIgnoreCase);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static DomainNameError Error(DomainNameErrorKind kind, string input, string reason, string? label = null) =>
        new() { Kind = kind, Input = input, Reason = reason, Label = label };
}

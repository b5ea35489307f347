using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace PoshClient.Dns;

/// <summary>
/// A DNSSEC trust anchor as a DS record of the root (RFC 4034 §5): key tag, algorithm, digest type and digest. The
/// in-process validator chains every answer up to one of these.
/// </summary>
internal sealed record DnssecTrustAnchor
{
    /// <summary>
    /// The root zone's key-signing keys as IANA publishes them (https://data.iana.org/root-anchors/root-anchors.xml):
    /// KSK-2017 (20326) and KSK-2024 (38696), both RSASHA256 with SHA-256 digests.
    /// </summary>
    public static IReadOnlyList<string> RootAnchors { get; } =
    [
        ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D",
        ". IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16",
    ];

    public required ushort KeyTag { get; init; }

    public required byte Algorithm { get; init; }

    public required byte DigestType { get; init; }

    public required IReadOnlyList<byte> Digest { get; init; }

    /// <summary>
    /// Parses a DS record in presentation form (RFC 4034 §5.3): <c>. [TTL] [IN] DS keytag algorithm digesttype digest</c>,
    /// the digest in hex, possibly split by spaces. Only root anchors are accepted: the validator starts at the root
    /// (a test world signs its own root and delegates to its zones from there).
    /// </summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out DnssecTrustAnchor? anchor, [NotNullWhen(false)] out string? error)
    {
        anchor = null;
        var fields = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var ds = Array.FindIndex(fields, f => string.Equals(f, "DS", StringComparison.OrdinalIgnoreCase));
        if (ds < 1 || fields.Length < ds + 5)
        {
            error = $"'{text}' is not a DS record ('. IN DS keytag algorithm digesttype digest').";
            return false;
        }

        if (!string.Equals(fields[0], ".", StringComparison.Ordinal))
        {
            error = $"'{text}' is for '{fields[0]}'; only trust anchors for the root '.' are supported.";
            return false;
        }

        byte[] digest;
        try
        {
            digest = Convert.FromHexString(string.Concat(fields[(ds + 4)..]));
        }
        catch (FormatException)
        {
            error = $"'{text}' has a digest that is not hex.";
            return false;
        }

        if (!ushort.TryParse(fields[ds + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var keyTag)
            || !byte.TryParse(fields[ds + 2], NumberStyles.None, CultureInfo.InvariantCulture, out var algorithm)
            || !byte.TryParse(fields[ds + 3], NumberStyles.None, CultureInfo.InvariantCulture, out var digestType)
            || digest.Length == 0)
        {
            error = $"'{text}' has a key tag, algorithm, digest type or digest out of range.";
            return false;
        }

        anchor = new DnssecTrustAnchor { KeyTag = keyTag, Algorithm = algorithm, DigestType = digestType, Digest = digest };
        error = null;
        return true;
    }

    /// <summary>Parses anchors that were validated at start-up (an invalid one here is a broken contract).</summary>
    public static List<DnssecTrustAnchor> ParseAll(IEnumerable<string> texts) =>
        [.. texts.Select(t => TryParse(t, out var anchor, out var error) ? anchor : throw new ArgumentException(error, nameof(texts)))];
}

using System.Globalization;

namespace PoshClient.Dns;

/// <summary>One extended DNS error (RFC 8914 §2): an INFO-CODE and the server's optional text.</summary>
internal sealed record DnsExtendedError(ushort InfoCode, string Text)
{
    /// <summary>
    /// INFO-CODEs 1–12 report a DNSSEC validation failure (RFC 8914 §4.2–§4.13: unsupported algorithm or digest,
    /// indeterminate, bogus, signature expired or not yet valid, DNSKEY/RRSIG/NSEC missing, no zone key bit).
    /// Code 3 (stale answer) and 4 (forged answer) are not DNSSEC failures.
    /// </summary>
    public bool IsDnssecFailure => InfoCode is 1 or 2 or (>= 5 and <= 12);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"EDE {InfoCode}{(Text.Length > 0 ? " " : string.Empty)}{Text}");
}

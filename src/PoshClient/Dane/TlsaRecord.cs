using System.Globalization;

namespace PoshClient.Dane;

/// <summary>
/// One TLSA record (RFC 6698 §2.1): certificate usage, selector, matching type and the certificate association data,
/// in the presentation order of RFC 6698 §2.2 ("3 1 1 a1b2…").
/// </summary>
public sealed record TlsaRecord
{
    /// <summary>Certificate usage: 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE (RFC 6698 §2.1.1, RFC 7218).</summary>
    public required byte Usage { get; init; }

    /// <summary>Selector: 0 the full certificate, 1 the SubjectPublicKeyInfo (RFC 6698 §2.1.2).</summary>
    public required byte Selector { get; init; }

    /// <summary>Matching type: 0 exact, 1 SHA-256, 2 SHA-512 (RFC 6698 §2.1.3).</summary>
    public required byte MatchingType { get; init; }

    /// <summary>The certificate association data.</summary>
    public required IReadOnlyList<byte> Data { get; init; }

    /// <summary>The record's TTL (zero when it did not come from DNS).</summary>
    public TimeSpan TimeToLive { get; init; }

    /// <summary>The record in presentation form, e.g. <c>3 1 1 0c72ac70…</c> (data in lower-case hex).</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Usage} {Selector} {MatchingType} {Convert.ToHexStringLower([.. Data])}");

    /// <summary>Value equality over the data bytes too (a record's generated equality would compare the list by reference).</summary>
    public bool Equals(TlsaRecord? other) =>
        other is not null && Usage == other.Usage && Selector == other.Selector && MatchingType == other.MatchingType && Data.SequenceEqual(other.Data);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Usage, Selector, MatchingType, Data.Count);
}

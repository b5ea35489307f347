using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;

namespace PoshClient.Documents;

/// <summary>
/// One certificate, hashed with one or more algorithms (RFC 7711 §3.1). Several descriptors in a document
/// are alternative certificates, e.g. during rollover.
/// </summary>
public sealed record FingerprintDescriptor
{
    /// <summary>The digests this descriptor carries, by algorithm. Never empty for a descriptor we publish.</summary>
    public required ImmutableSortedDictionary<PoshHashAlgorithm, ImmutableArray<byte>> Hashes { get; init; }

    /// <summary>
    /// The descriptor we publish for a certificate: <c>sha-256</c> (every deployed client reads it) and
    /// <c>sha-512</c> (Prosody checks the strongest it knows), both over the DER of the whole certificate
    /// (RFC 7711 §3.1) — never the SubjectPublicKeyInfo.
    /// </summary>
    internal static FingerprintDescriptor FromCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return FromDer(certificate.RawDataMemory.Span);
    }

    /// <summary>As <see cref="FromCertificate"/>, from the DER bytes of a certificate.</summary>
    internal static FingerprintDescriptor FromDer(ReadOnlySpan<byte> der) => new()
    {
        Hashes = ImmutableSortedDictionary.CreateRange(
        [
            KeyValuePair.Create(PoshHashAlgorithm.Sha256, ImmutableArray.Create(PoshHashAlgorithm.Sha256.Hash(der))),
            KeyValuePair.Create(PoshHashAlgorithm.Sha512, ImmutableArray.Create(PoshHashAlgorithm.Sha512.Hash(der))),
        ]),
    };

    /// <inheritdoc />
    public bool Equals(FingerprintDescriptor? other) =>
        other is not null
        && Hashes.Count == other.Hashes.Count
        && Hashes.All(pair => other.Hashes.TryGetValue(pair.Key, out var value) && value.AsSpan().SequenceEqual(pair.Value.AsSpan()));

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (algorithm, value) in Hashes)
        {
            hash.Add(algorithm);
            hash.AddBytes(value.AsSpan());
        }

        return hash.ToHashCode();
    }
}

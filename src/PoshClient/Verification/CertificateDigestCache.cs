using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace PoshClient.Verification;

/// <summary>
/// Digests of presented certificates, keyed by their DER bytes (each TLS connection yields a new certificate object
/// for the same bytes). A server sees the same few peer certificates on every stream, and hashing them is most of
/// the cost of a verification answered from cache (profile: two digests, SHA-256 and SHA-512, of ~1 KB each).
/// Bounded: when full, it starts over.
/// </summary>
internal sealed class CertificateDigestCache
{
    /// <summary>Most certificates kept. Peers choose what they present, so the cache is bounded (issue 14): when full, it starts over.</summary>
    internal const int Capacity = 1024;
    private readonly ConcurrentDictionary<byte[], CertificateDigests> _entries = new(DerComparer.Instance);

    /// <summary>Certificates held now (at most <see cref="Capacity"/>).</summary>
    internal int Count => _entries.Count;

    public CertificateDigests For(ReadOnlySpan<byte> der)
    {
        var lookup = _entries.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (lookup.TryGetValue(der, out var digests))
        {
            return digests;
        }

        if (_entries.Count >= Capacity)
        {
            _entries.Clear();
        }

        var key = der.ToArray();
        return _entries.GetOrAdd(key, static k => new CertificateDigests(k));
    }

    private sealed class DerComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly DerComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

        public int GetHashCode([DisallowNull] byte[] obj) => GetHashCode((ReadOnlySpan<byte>)obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = default(HashCode);
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace PoshClient.Documents;

/// <summary>Names, digest lengths and hashing for <see cref="PoshHashAlgorithm"/>.</summary>
internal static class PoshHashAlgorithms
{
    /// <summary>The registry name, e.g. <c>sha-256</c>.</summary>
    public static string ToName(this PoshHashAlgorithm algorithm) => algorithm switch
    {
        PoshHashAlgorithm.Sha256 => "sha-256",
        PoshHashAlgorithm.Sha384 => "sha-384",
        PoshHashAlgorithm.Sha512 => "sha-512",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown hash algorithm."),
    };

    /// <summary>The digest length in bytes.</summary>
    public static int DigestLength(this PoshHashAlgorithm algorithm) => algorithm switch
    {
        PoshHashAlgorithm.Sha256 => SHA256.HashSizeInBytes,
        PoshHashAlgorithm.Sha384 => SHA384.HashSizeInBytes,
        PoshHashAlgorithm.Sha512 => SHA512.HashSizeInBytes,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown hash algorithm."),
    };

    /// <summary>Parses a registry name. Names are compared ordinally: the registry's names are lower case.</summary>
    public static bool TryParse(string? name, [NotNullWhen(true)] out PoshHashAlgorithm? algorithm)
    {
        algorithm = name switch
        {
            "sha-256" => PoshHashAlgorithm.Sha256,
            "sha-384" => PoshHashAlgorithm.Sha384,
            "sha-512" => PoshHashAlgorithm.Sha512,
            _ => null,
        };
        return algorithm is not null;
    }

    /// <summary>Hashes <paramref name="data"/> (for POSH: the DER of the whole certificate, RFC 7711 §3.1).</summary>
    public static byte[] Hash(this PoshHashAlgorithm algorithm, ReadOnlySpan<byte> data) => algorithm switch
    {
        PoshHashAlgorithm.Sha256 => SHA256.HashData(data),
        PoshHashAlgorithm.Sha384 => SHA384.HashData(data),
        PoshHashAlgorithm.Sha512 => SHA512.HashData(data),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown hash algorithm."),
    };
}

using System.Security.Cryptography;
using PoshClient.Documents;

namespace PoshClient.Verification;

/// <summary>
/// Matches a presented end-entity certificate against a fingerprints document (RFC 7711 §3.3): the hash is over
/// the DER of the whole certificate (§3.1), each descriptor is judged by the strongest supported algorithm it
/// carries (as Prosody does; posh-spec C-16), and digests are compared in constant time.
/// </summary>
internal static class PoshFingerprintMatcher
{
    private static readonly PoshHashAlgorithm[] s_strongestFirst = [PoshHashAlgorithm.Sha512, PoshHashAlgorithm.Sha384, PoshHashAlgorithm.Sha256];

    public static PoshMatchResult Match(FingerprintsDocument document, ReadOnlySpan<byte> certificateDer) =>
        Match(document, new CertificateDigests(certificateDer.ToArray()));

    /// <summary>As above, with the certificate's digests from <paramref name="digests"/> (computed on first use, possibly cached).</summary>
    public static PoshMatchResult Match(FingerprintsDocument document, CertificateDigests digests)
    {
        var usable = 0;
        var matchIndex = -1;
        PoshHashAlgorithm? matchAlgorithm = null;
        for (var i = 0; i < document.Fingerprints.Count; i++)
        {
            var hashes = document.Fingerprints[i].Hashes;
            for (var a = 0; a < s_strongestFirst.Length; a++)
            {
                var algorithm = s_strongestFirst[a];
                if (!hashes.TryGetValue(algorithm, out var expected))
                {
                    continue;
                }

                usable++;
                var actual = digests.Get(algorithm);
                if (matchIndex < 0 && DigestsEqual(actual, expected.AsSpan()))
                {
                    matchIndex = i;
                    matchAlgorithm = algorithm;
                }

                // Only the strongest algorithm of a descriptor counts: a weaker one may not override it.
                break;
            }
        }

        return new PoshMatchResult(matchIndex, matchAlgorithm, usable);
    }

    /// <summary>
    /// Constant-time equality, so that timing does not tell a peer how many leading bytes of a published digest
    /// its certificate shares. Lengths are public (they follow from the algorithm).
    /// </summary>
    internal static bool DigestsEqual(ReadOnlySpan<byte> actual, ReadOnlySpan<byte> expected) =>
        CryptographicOperations.FixedTimeEquals(actual, expected);
}

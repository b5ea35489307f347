namespace PoshClient.Documents;

/// <summary>
/// Hash functions from the IANA "Hash Function Textual Names" registry that this library computes and
/// matches. RFC 7711 mandates none; md2, md5, sha-1 and shake* are deliberately absent (RFC 7711 §10).
/// Declared weakest first, so a larger value is a stronger algorithm.
/// </summary>
public enum PoshHashAlgorithm
{
    /// <summary><c>sha-256</c>, 32 bytes. Every descriptor we publish carries it: deployed clients read only this one.</summary>
    Sha256,

    /// <summary><c>sha-384</c>, 48 bytes.</summary>
    Sha384,

    /// <summary><c>sha-512</c>, 64 bytes.</summary>
    Sha512,
}

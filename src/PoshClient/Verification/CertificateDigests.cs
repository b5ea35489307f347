using PoshClient.Documents;

namespace PoshClient.Verification;

/// <summary>The digests of one presented certificate's DER, computed on first use (RFC 7711 §3.1: over the whole certificate).</summary>
internal sealed class CertificateDigests
{
    private readonly byte[] _der;
    private readonly byte[]?[] _digests = new byte[]?[3];
    private string? _sha256Base64;

    public CertificateDigests(byte[] der) => _der = der;

    /// <summary>The digest by <paramref name="algorithm"/>; concurrent first uses may both compute it, with the same result.</summary>
    public byte[] Get(PoshHashAlgorithm algorithm)
    {
        var slot = algorithm switch
        {
            PoshHashAlgorithm.Sha256 => 0,
            PoshHashAlgorithm.Sha384 => 1,
            _ => 2,
        };
        return Volatile.Read(ref _digests[slot]) ?? (_digests[slot] = algorithm.Hash(_der));
    }

    /// <summary>The SHA-256 digest in base64, as the verification reason names the presented certificate.</summary>
    public string Sha256Base64 => _sha256Base64 ??= Convert.ToBase64String(Get(PoshHashAlgorithm.Sha256));
}

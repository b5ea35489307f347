using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace PoshServer.Acme;

/// <summary>
/// The account's P-256 key with its JWK and RFC 7638 thumbprint, both written by hand: the thumbprint input must hold
/// exactly crv, kty, x, y in lexicographic order without whitespace (RFC 7638 §3.2, RFC 7518 §6.2.1), which no
/// serializer guarantees.
/// </summary>
internal sealed class AcmeAccountKey : IDisposable
{
    private AcmeAccountKey(ECDsa key)
    {
        Key = key;
        var parameters = key.ExportParameters(includePrivateParameters: false);

        // ExportParameters pads the coordinates to the field size (32 bytes), as RFC 7518 §6.2.1.2 requires.
        Jwk = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + Base64Url.EncodeToString(parameters.Q.X) +
              "\",\"y\":\"" + Base64Url.EncodeToString(parameters.Q.Y) + "\"}";
        Thumbprint = Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(Jwk)));
    }

    public ECDsa Key { get; }

    /// <summary>The public JWK, in the canonical member order (also the thumbprint input).</summary>
    public string Jwk { get; }

    /// <summary>base64url(SHA-256(JWK)), the second half of every key authorization (RFC 8555 §8.1).</summary>
    public string Thumbprint { get; }

    public static AcmeAccountKey Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    public static AcmeAccountKey FromPem(string pem)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.KeySize != 256)
            {
                throw new CryptographicException("The ACME account key is not a P-256 key.");
            }

            return new AcmeAccountKey(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    public string ExportPem() => Key.ExportPkcs8PrivateKeyPem();

    /// <summary>The key authorization for an http-01 token (RFC 8555 §8.1, §8.3).</summary>
    public string KeyAuthorization(string token) => token + "." + Thumbprint;

    public void Dispose() => Key.Dispose();
}

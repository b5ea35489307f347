using System.Buffers.Text;
using System.Security.Cryptography;

namespace PoshServer.Posh;

/// <summary>
/// A response body computed once at reload time: the exact bytes and a strong ETag over them. The request path
/// only writes these; nothing is serialised or hashed per request.
/// </summary>
internal sealed class PoshResponse
{
    public PoshResponse(byte[] body)
    {
        Body = body;
        // A strong validator (RFC 9110 §8.8.3): same bytes, same tag, on every instance of the server.
        ETag = "\"" + Base64Url.EncodeToString(SHA256.HashData(body).AsSpan(0, 16)) + "\"";
        ContentLength = body.Length;
    }

    public byte[] Body { get; }

    public string ETag { get; }

    public long ContentLength { get; }
}

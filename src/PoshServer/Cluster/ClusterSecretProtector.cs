using System.Security.Cryptography;
using System.Text;

namespace PoshServer.Cluster;

/// <summary>
/// AES-256-GCM for private keys at rest. Each ciphertext is stored beside the id of the key that made it (the first
/// 8 bytes of the key's SHA-256, hex), so old items stay readable while a new key is rolled out; the item's own key
/// name is the associated data, so a ciphertext copied to another key does not decrypt.
/// </summary>
internal sealed class ClusterSecretProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _current;
    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public ClusterSecretProtector(string currentKey, IEnumerable<string> previousKeys)
    {
        _current = Convert.FromBase64String(currentKey);
        CurrentKeyId = KeyId(_current);
        _keys[CurrentKeyId] = _current;
        foreach (var previous in previousKeys)
        {
            var bytes = Convert.FromBase64String(previous);
            _keys.TryAdd(KeyId(bytes), bytes);
        }
    }

    public string CurrentKeyId { get; }

    public static bool IsValidKey(string base64)
    {
        var buffer = new byte[48];
        return Convert.TryFromBase64String(base64.Trim(), buffer, out var written) && written == 32;
    }

    public byte[] Encrypt(string itemKey, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_current, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(itemKey));
        return output;
    }

    /// <summary>Decrypts with the key <paramref name="keyId"/> names; a missing key or a tampered item is a <see cref="ClusterStoreException"/>.</summary>
    public byte[] Decrypt(string itemKey, string keyId, ReadOnlySpan<byte> stored)
    {
        if (!_keys.TryGetValue(keyId, out var key))
        {
            throw new ClusterStoreException($"'{itemKey}' is encrypted with key id {keyId}, which is neither Cluster:EncryptionKey nor one of Cluster:PreviousEncryptionKeys.");
        }

        if (stored.Length < NonceSize + TagSize)
        {
            throw new ClusterStoreException($"'{itemKey}' is too short to be a ciphertext.");
        }

        var plaintext = new byte[stored.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(stored[..NonceSize], stored[(NonceSize + TagSize)..], stored.Slice(NonceSize, TagSize), plaintext, Encoding.UTF8.GetBytes(itemKey));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new ClusterStoreException($"'{itemKey}' does not decrypt with key id {keyId} (tampered or moved).", ex);
        }

        return plaintext;
    }

    private static string KeyId(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key).AsSpan(0, 8));
}

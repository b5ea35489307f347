using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace PoshServer.Acme;

/// <summary>
/// Files under <see cref="AcmeOptions.StoragePath"/>:
/// <c>account.key.pem</c> + <c>account.json</c>, and per name <c>names/&lt;host&gt;/</c> with <c>chain.pem</c>,
/// <c>key.pem</c>, <c>pending-key.pem</c> (the key of the order in flight) and <c>state.json</c>.
/// Every file is written to a temp file in its own directory and moved over the target, so a reader (or a restart
/// after a kill) sees the old or the new content, never a torn file. Keys are created with mode 0600.
/// </summary>
internal sealed class AcmeStorage : IDisposable
{
    private const string TempSuffix = ".tmp";
    private readonly ConcurrentDictionary<string, AcmeNameState> _states = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _accountKeyGate = new();
    private AcmeAccountKey? _accountKey;

    public AcmeStorage(IOptions<AcmeOptions> options)
        : this(options.Value.StoragePath)
    {
    }

    public AcmeStorage(string root)
    {
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    private string NamesDirectory => Path.Combine(Root, "names");

    /// <summary>The account key, created (and persisted) on first use; the challenge responder needs it even before the account exists.</summary>
    public AcmeAccountKey GetOrCreateAccountKey()
    {
        lock (_accountKeyGate)
        {
            if (_accountKey is not null)
            {
                return _accountKey;
            }

            var path = Path.Combine(Root, "account.key.pem");
            if (File.Exists(path))
            {
                _accountKey = AcmeAccountKey.FromPem(File.ReadAllText(path));
            }
            else
            {
                var key = AcmeAccountKey.Create();
                WriteAtomic(path, key.ExportPem(), secret: true);
                _accountKey = key;
            }

            return _accountKey;
        }
    }

    public AcmeAccountRecord? LoadAccount()
    {
        var path = Path.Combine(Root, "account.json");
        return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), AcmeJsonContext.Default.AcmeAccountRecord) : null;
    }

    public void SaveAccount(AcmeAccountRecord account) =>
        WriteAtomic(Path.Combine(Root, "account.json"), JsonSerializer.Serialize(account, AcmeJsonContext.Default.AcmeAccountRecord), secret: false);

    public void DeleteAccount() => DeleteIfExists(Path.Combine(Root, "account.json"));

    /// <summary>The stored state of a name, or null if it was never attempted.</summary>
    public AcmeNameState? LoadState(string hostName)
    {
        if (_states.TryGetValue(hostName, out var cached))
        {
            return cached;
        }

        var path = Path.Combine(NameDirectory(hostName), "state.json");
        if (!File.Exists(path))
        {
            return null;
        }

        var state = JsonSerializer.Deserialize(File.ReadAllBytes(path), AcmeJsonContext.Default.AcmeNameState);
        if (state is not null)
        {
            _states[hostName] = state;
        }

        return state;
    }

    public void SaveState(AcmeNameState state)
    {
        WriteAtomic(Path.Combine(NameDirectory(state.HostName), "state.json"), JsonSerializer.Serialize(state, AcmeJsonContext.Default.AcmeNameState), secret: false);
        _states[state.HostName] = state;
    }

    /// <summary>Every name with stored state (for the command line and the health check).</summary>
    public IReadOnlyList<AcmeNameState> LoadAllStates()
    {
        if (!Directory.Exists(NamesDirectory))
        {
            return [];
        }

        return Directory.EnumerateDirectories(NamesDirectory)
            .Select(directory => LoadState(Path.GetFileName(directory)))
            .OfType<AcmeNameState>()
            .OrderBy(state => state.HostName, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The key of the order in flight: read back after a restart, or created and persisted before it is used in a CSR.</summary>
    public ECDsa GetOrCreatePendingKey(string hostName)
    {
        var path = Path.Combine(NameDirectory(hostName), "pending-key.pem");
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (File.Exists(path))
        {
            key.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            WriteAtomic(path, key.ExportPkcs8PrivateKeyPem(), secret: true);
        }

        return key;
    }

    public void DeletePendingKey(string hostName) => DeleteIfExists(Path.Combine(NameDirectory(hostName), "pending-key.pem"));

    /// <summary>
    /// Installs a downloaded chain: chain first, then the pending key moved over the old key. A kill between the two
    /// leaves a new chain with the old key, which <see cref="LoadCertificate"/> repairs from the pending key.
    /// </summary>
    public void InstallCertificate(string hostName, string chainPem)
    {
        var directory = NameDirectory(hostName);
        WriteAtomic(Path.Combine(directory, "chain.pem"), chainPem, secret: false);
        File.Move(Path.Combine(directory, "pending-key.pem"), Path.Combine(directory, "key.pem"), overwrite: true);
    }

    /// <summary>The stored certificate with its key, or null when there is none (or it is unreadable).</summary>
    public AcmeStoredCertificate? LoadCertificate(string hostName)
    {
        var directory = NameDirectory(hostName);
        var chainPath = Path.Combine(directory, "chain.pem");
        if (!File.Exists(chainPath))
        {
            return null;
        }

        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(File.ReadAllText(chainPath));
        if (chain.Count == 0)
        {
            return null;
        }

        var leaf = chain[0];
        chain.RemoveAt(0);
        var keyPath = Path.Combine(directory, "key.pem");
        var pendingPath = Path.Combine(directory, "pending-key.pem");
        foreach (var path in new[] { keyPath, pendingPath })
        {
            if (!File.Exists(path))
            {
                continue;
            }

            using var key = ECDsa.Create();
            key.ImportFromPem(File.ReadAllText(path));
            if (!Matches(leaf, key))
            {
                continue;
            }

            if (string.Equals(path, pendingPath, StringComparison.Ordinal))
            {
                // Finish an install that was interrupted between writing the chain and moving the key.
                File.Move(pendingPath, keyPath, overwrite: true);
            }

            return new AcmeStoredCertificate { Leaf = leaf.CopyWithPrivateKey(key), Intermediates = chain };
        }

        return null;
    }

    /// <summary>Deletes temp files a killed process left behind; the targets they were meant for are intact.</summary>
    public int RemoveStaleTempFiles()
    {
        if (!Directory.Exists(Root))
        {
            return 0;
        }

        var count = 0;
        foreach (var file in Directory.EnumerateFiles(Root, "*" + TempSuffix, SearchOption.AllDirectories))
        {
            File.Delete(file);
            count++;
        }

        return count;
    }

    public static bool Matches(X509Certificate2 leaf, ECDsa key)
    {
        using var publicKey = leaf.GetECDsaPublicKey();
        return publicKey is not null && publicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo());
    }

    public void Dispose() => _accountKey?.Dispose();

    private string NameDirectory(string hostName)
    {
        // Names are validated DNS names before they reach storage; this keeps a bad one from escaping the root.
        if (!AcmeHostNames.IsValid(hostName))
        {
            throw new ArgumentException($"'{hostName}' is not a valid host name.", nameof(hostName));
        }

        return Path.Combine(NamesDirectory, hostName);
    }

    private static void DeleteIfExists(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private static void WriteAtomic(string path, string content, bool secret)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)) + TempSuffix);
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (secret && !OperatingSystem.IsWindows())
        {
            // Created 0600: the key is never readable by others, not even for a moment.
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temp, fileOptions))
            {
                stream.Write(Encoding.UTF8.GetBytes(content));
                stream.Flush(flushToDisk: true);
            }

            if (secret && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using PoshServer.Cluster;
using PoshServer.Cluster.Files;

namespace PoshServer.Acme;

/// <summary>
/// ACME's items in the cluster store: <c>acme/account.key.pem</c> + <c>acme/account.json</c>, and per name
/// <c>acme/names/&lt;host&gt;/</c> with <c>chain.pem</c>, <c>key.pem</c>, <c>pending-key.pem</c> (the key of the
/// order in flight) and <c>state.json</c>. With files these are the same paths under <see cref="AcmeOptions.StoragePath"/>
/// as before; with PostgreSQL the keys are encrypted at rest. States are kept in memory too, so health checks and
/// scheduling read them without a round trip, and a replica cut off from the store still knows what it had.
/// </summary>
internal sealed class AcmeStorage : IDisposable
{
    public const string Prefix = "acme/";
    private const string AccountKeyKey = Prefix + "account.key.pem";
    private const string AccountKey = Prefix + "account.json";
    private const string NamesPrefix = Prefix + "names/";
    private readonly ConcurrentDictionary<string, AcmeNameState> _states = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _accountKeyGate = new(1, 1);
    private AcmeAccountKey? _accountKey;

    public AcmeStorage(IClusterStore store)
    {
        Store = store;
    }

    /// <summary>Files under <paramref name="root"/>, as a single server keeps them (commands and tests).</summary>
    public AcmeStorage(string root)
        : this(new FilesClusterStore([new ClusterFileArea { Prefix = Prefix, Path = root }]))
    {
    }

    public IClusterStore Store { get; }

    /// <summary>The account key once it was loaded or created (the challenge responder answers from memory).</summary>
    public AcmeAccountKey? CachedAccountKey => Volatile.Read(ref _accountKey);

    /// <summary>The account key, created (and stored) on first use; concurrent replicas agree on the first one stored.</summary>
    public async Task<AcmeAccountKey> GetOrCreateAccountKeyAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _accountKey) is { } cached)
        {
            return cached;
        }

        await _accountKeyGate.WaitAsync(cancellationToken);
        try
        {
            if (_accountKey is { } raced)
            {
                return raced;
            }

            using var candidate = AcmeAccountKey.Create();
            var stored = await Store.AddOrGetAsync(ClusterWrite.Put(AccountKeyKey, Encoding.UTF8.GetBytes(candidate.ExportPem()), secret: true), cancellationToken);
            var key = AcmeAccountKey.FromPem(Encoding.UTF8.GetString(stored.Value));
            Volatile.Write(ref _accountKey, key);
            return key;
        }
        finally
        {
            _accountKeyGate.Release();
        }
    }

    public async Task<AcmeAccountRecord?> LoadAccountAsync(CancellationToken cancellationToken = default) =>
        await Store.GetAsync(AccountKey, cancellationToken) is { } item ? JsonSerializer.Deserialize(item.Value, AcmeJsonContext.Default.AcmeAccountRecord) : null;

    public Task SaveAccountAsync(AcmeAccountRecord account, CancellationToken cancellationToken = default) =>
        Store.PutAsync([ClusterWrite.Put(AccountKey, JsonSerializer.SerializeToUtf8Bytes(account, AcmeJsonContext.Default.AcmeAccountRecord))], cancellationToken: cancellationToken);

    public Task DeleteAccountAsync(CancellationToken cancellationToken = default) => Store.PutAsync([ClusterWrite.Delete(AccountKey)], cancellationToken: cancellationToken);

    /// <summary>The state as this replica last saw it (no round trip), or null.</summary>
    public AcmeNameState? GetCachedState(string hostName)
    {
        Validate(hostName);
        return _states.GetValueOrDefault(hostName);
    }

    /// <summary>
    /// The stored state of a name, or null if it was never attempted. A shared store is always asked (another replica
    /// may have moved it on); files answer from memory once read.
    /// </summary>
    public async Task<AcmeNameState?> LoadStateAsync(string hostName, CancellationToken cancellationToken = default)
    {
        Validate(hostName);
        if (!Store.IsShared && _states.TryGetValue(hostName, out var cached))
        {
            return cached;
        }

        if (await Store.GetAsync(NameKey(hostName, "state.json"), cancellationToken) is not { } item)
        {
            return null;
        }

        var state = JsonSerializer.Deserialize(item.Value, AcmeJsonContext.Default.AcmeNameState);
        if (state is not null)
        {
            _states[hostName] = state;
        }

        return state;
    }

    /// <summary>Reads every state in one request (a shared store only: other replicas' progress); returns the states read.</summary>
    public async Task<IReadOnlyList<AcmeNameState>> RefreshStatesAsync(CancellationToken cancellationToken = default)
    {
        if (!Store.IsShared)
        {
            return [.. _states.Values];
        }

        var states = new List<AcmeNameState>();
        foreach (var item in await Store.ListAsync(NamesPrefix, "/state.json", cancellationToken))
        {
            if (JsonSerializer.Deserialize(item.Value, AcmeJsonContext.Default.AcmeNameState) is { } state && AcmeHostNames.IsValid(state.HostName))
            {
                _states[state.HostName] = state;
                states.Add(state);
            }
        }

        return states;
    }

    public async Task SaveStateAsync(AcmeNameState state, IClusterLock? fence = null, CancellationToken cancellationToken = default)
    {
        Validate(state.HostName);
        await Store.PutAsync([ClusterWrite.Put(NameKey(state.HostName, "state.json"), JsonSerializer.SerializeToUtf8Bytes(state, AcmeJsonContext.Default.AcmeNameState))], fence, cancellationToken);
        _states[state.HostName] = state;
    }

    /// <summary>Every name with stored state (for the command line and the health check).</summary>
    public async Task<IReadOnlyList<AcmeNameState>> LoadAllStatesAsync(CancellationToken cancellationToken = default)
    {
        var states = new List<AcmeNameState>();
        foreach (var item in await Store.ListAsync(NamesPrefix, "/state.json", cancellationToken))
        {
            if (JsonSerializer.Deserialize(item.Value, AcmeJsonContext.Default.AcmeNameState) is { } state)
            {
                states.Add(state);
            }
        }

        return [.. states.OrderBy(state => state.HostName, StringComparer.Ordinal)];
    }

    /// <summary>The key of the order in flight: read back after a restart (or from another replica), or created and stored before it is used in a CSR.</summary>
    public async Task<ECDsa> GetOrCreatePendingKeyAsync(string hostName, IClusterLock? fence = null, CancellationToken cancellationToken = default)
    {
        Validate(hostName);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var item = await Store.GetAsync(NameKey(hostName, "pending-key.pem"), cancellationToken);
        if (item is not null)
        {
            key.ImportFromPem(Encoding.UTF8.GetString(item.Value));
        }
        else
        {
            await Store.PutAsync([ClusterWrite.Put(NameKey(hostName, "pending-key.pem"), Encoding.UTF8.GetBytes(key.ExportPkcs8PrivateKeyPem()), secret: true)], fence, cancellationToken);
        }

        return key;
    }

    public Task DeletePendingKeyAsync(string hostName, IClusterLock? fence = null, CancellationToken cancellationToken = default)
    {
        Validate(hostName);
        return Store.PutAsync([ClusterWrite.Delete(NameKey(hostName, "pending-key.pem"))], fence, cancellationToken);
    }

    /// <summary>
    /// Installs a downloaded chain: chain, then the pending key over the old key, then the pending key removed (one
    /// transaction in PostgreSQL). With files a kill between the steps leaves a new chain with the old key, which
    /// <see cref="LoadCertificateAsync"/> repairs from the pending key.
    /// </summary>
    public async Task InstallCertificateAsync(string hostName, string chainPem, IClusterLock? fence = null, CancellationToken cancellationToken = default)
    {
        Validate(hostName);
        var pending = await Store.GetAsync(NameKey(hostName, "pending-key.pem"), cancellationToken)
            ?? throw new CryptographicException($"The key of the order for {hostName} is missing.");
        await Store.PutAsync(
            [
                ClusterWrite.Put(NameKey(hostName, "chain.pem"), Encoding.UTF8.GetBytes(chainPem)),
                ClusterWrite.Put(NameKey(hostName, "key.pem"), pending.Value, secret: true),
                ClusterWrite.Delete(NameKey(hostName, "pending-key.pem")),
            ],
            fence,
            cancellationToken);
    }

    /// <summary>The stored certificate with its key, or null when there is none (or it is unreadable).</summary>
    public async Task<AcmeStoredCertificate?> LoadCertificateAsync(string hostName, CancellationToken cancellationToken = default)
    {
        Validate(hostName);
        var items = await Store.ListAsync(NamesPrefix + hostName + "/", cancellationToken: cancellationToken);
        return await ReadCertificateAsync(hostName, items.ToDictionary(i => i.Key[(NamesPrefix.Length + hostName.Length + 1)..], StringComparer.Ordinal), cancellationToken);
    }

    /// <summary>
    /// Every stored certificate with its key, in one request (start-up): the cost follows what is stored, not the
    /// number of configured names. Names with nothing stored, or whose items cannot be read, are left out.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, AcmeStoredCertificate>> LoadAllCertificatesAsync(CancellationToken cancellationToken = default)
    {
        var certificates = new Dictionary<string, AcmeStoredCertificate>(StringComparer.OrdinalIgnoreCase);
        var byHost = (await Store.ListAsync(NamesPrefix, cancellationToken: cancellationToken))
            .Select(item => (Item: item, Tail: item.Key[NamesPrefix.Length..]))
            .Where(entry => entry.Tail.IndexOf('/', StringComparison.Ordinal) > 0)
            .GroupBy(entry => entry.Tail[..entry.Tail.IndexOf('/', StringComparison.Ordinal)], StringComparer.OrdinalIgnoreCase);
        foreach (var host in byHost)
        {
            if (!AcmeHostNames.IsValid(host.Key))
            {
                continue;
            }

            var byName = host.ToDictionary(entry => entry.Tail[(host.Key.Length + 1)..], entry => entry.Item, StringComparer.Ordinal);
            try
            {
                if (await ReadCertificateAsync(host.Key, byName, cancellationToken) is { } certificate)
                {
                    certificates[host.Key] = certificate;
                }
            }
            catch (CryptographicException)
            {
                // Unreadable: that name is ordered again like one never issued; the others are served.
            }
        }

        return certificates;
    }

    private async Task<AcmeStoredCertificate?> ReadCertificateAsync(string hostName, Dictionary<string, ClusterItem> byName, CancellationToken cancellationToken)
    {
        if (!byName.TryGetValue("chain.pem", out var chainItem))
        {
            return null;
        }

        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(Encoding.UTF8.GetString(chainItem.Value));
        if (chain.Count == 0)
        {
            return null;
        }

        var leaf = chain[0];
        chain.RemoveAt(0);
        foreach (var name in new[] { "key.pem", "pending-key.pem" })
        {
            if (!byName.TryGetValue(name, out var keyItem))
            {
                continue;
            }

            using var key = ECDsa.Create();
            key.ImportFromPem(Encoding.UTF8.GetString(keyItem.Value));
            if (!Matches(leaf, key))
            {
                continue;
            }

            if (string.Equals(name, "pending-key.pem", StringComparison.Ordinal))
            {
                // Finish an install that was interrupted between writing the chain and moving the key.
                await Store.PutAsync(
                    [ClusterWrite.Put(NameKey(hostName, "key.pem"), keyItem.Value, secret: true), ClusterWrite.Delete(NameKey(hostName, "pending-key.pem"))],
                    cancellationToken: cancellationToken);
            }

            return new AcmeStoredCertificate { Leaf = leaf.CopyWithPrivateKey(key), Intermediates = chain };
        }

        return null;
    }

    /// <summary>Deletes temp files a killed process left behind (files only); the targets they were meant for are intact.</summary>
    public int RemoveStaleTempFiles() => Store is FilesClusterStore files ? files.RemoveStaleTempFiles() : 0;

    public static bool Matches(X509Certificate2 leaf, ECDsa key)
    {
        using var publicKey = leaf.GetECDsaPublicKey();
        return publicKey is not null && publicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo());
    }

    public void Dispose()
    {
        _accountKey?.Dispose();
        _accountKeyGate.Dispose();
    }

    private static string NameKey(string hostName, string file) => NamesPrefix + hostName + "/" + file;

    private static void Validate(string hostName)
    {
        // Names are validated DNS names before they reach storage; this keeps a bad one from escaping the root.
        if (!AcmeHostNames.IsValid(hostName))
        {
            throw new ArgumentException($"'{hostName}' is not a valid host name.", nameof(hostName));
        }
    }
}

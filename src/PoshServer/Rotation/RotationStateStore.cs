using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PoshServer.Cluster;
using PoshServer.Tenants;

namespace PoshServer.Rotation;

/// <summary>
/// Rotation's items in the cluster store: <c>rotation/state.json</c> (every set's certificates, first-published
/// times, presented and draining times), <c>rotation/switches/&lt;set&gt;.json</c> (the last switch, written only under
/// the set's switch lease, fenced) and, with a shared store, <c>rotation/publications/&lt;replica&gt;.json</c> (what
/// each replica publishes since when). With files the state is the file at <see cref="RotationOptions.StatePath"/>,
/// as on a single server before (written through a temporary file and a rename, so a crash leaves the old or the new
/// state). Several replicas may write the state at once: the last write wins, which is safe because every field is
/// recomputed from the files at each evaluation, and a lost first-published time only makes safe-at later; what
/// must not be lost (the switch) has its own fenced item.
/// </summary>
internal sealed class RotationStateStore(
    IClusterStore store,
    IOptions<RotationOptions> options,
    IOptions<ClusterOptions> clusterOptions,
    TimeProvider timeProvider,
    ILogger<RotationStateStore> logger)
{
    public const string StateKey = "rotation/state.json";
    private const string SwitchPrefix = "rotation/switches/";
    private const string PublicationPrefix = "rotation/publications/";
    private RotationState? _state;
    private string? _saved;
    private RotationReplicaPublications? _published;

    public IClusterStore Store => store;

    public string Path => options.Value.ResolveStatePath();

    /// <summary>The state as last loaded or saved (what a replica cut off from the store plans from).</summary>
    public RotationState LastKnown => _state ?? RotationState.Empty;

    /// <summary>
    /// The state with every set's last switch. Files are read once, then answered from memory; a shared store is
    /// asked every time (another replica may have switched). An unreadable state is an empty one (logged): starting
    /// over only makes safe-at times later, never earlier. An unreachable store throws <see cref="ClusterStoreException"/>.
    /// </summary>
    public async Task<RotationState> LoadAsync(CancellationToken cancellationToken = default)
    {
        if (!store.IsShared && _state is { } loaded)
        {
            return loaded;
        }

        RotationState state;
        try
        {
            state = await store.GetAsync(StateKey, cancellationToken) is { } item ? Parse(item.Value) : RotationState.Empty;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            RotationLog.StateUnreadable(logger, Path, ex.Message);
            state = RotationState.Empty;
        }

        if (store.IsShared)
        {
            var sets = new Dictionary<string, RotationSetState>(state.Sets, StringComparer.Ordinal);
            foreach (var item in await store.ListAsync(SwitchPrefix, ".json", cancellationToken))
            {
                var set = Uri.UnescapeDataString(item.Key[SwitchPrefix.Length..^".json".Length]);
                if (Deserialize(item.Value, RotationJsonContext.Default.RotationSwitchOutcome) is { } outcome)
                {
                    sets[set] = (sets.GetValueOrDefault(set) ?? RotationSetState.Empty) with { LastSwitch = outcome };
                }
            }

            state = state with { Sets = sets };
        }

        // What is stored already need not be written again (replicas that agree do not wake each other up).
        _saved = JsonSerializer.Serialize(state, RotationJsonContext.Default.RotationState);
        _state = state;
        return state;
    }

    /// <summary>Writes the state unless it is what this replica last wrote or read.</summary>
    public async Task SaveAsync(RotationState state, CancellationToken cancellationToken = default)
    {
        var json = JsonSerializer.Serialize(state, RotationJsonContext.Default.RotationState);
        if (string.Equals(json, _saved, StringComparison.Ordinal) && (store.IsShared || File.Exists(Path)))
        {
            _state = state;
            return;
        }

        await store.PutAsync([ClusterWrite.Put(StateKey, System.Text.Encoding.UTF8.GetBytes(json))], cancellationToken: cancellationToken);
        _saved = json;
        _state = state;
    }

    /// <summary>Records a set's switch outcome, refused unless <paramref name="fence"/> (the set's switch lease) is still held.</summary>
    public Task SaveSwitchAsync(string set, RotationSwitchOutcome outcome, IClusterLock fence, CancellationToken cancellationToken = default) =>
        store.IsShared
            ? store.PutAsync([ClusterWrite.Put(SwitchPrefix + Uri.EscapeDataString(set) + ".json", JsonSerializer.SerializeToUtf8Bytes(outcome, RotationJsonContext.Default.RotationSwitchOutcome))], fence, cancellationToken)
            : Task.CompletedTask;

    /// <summary>The lease that makes exactly one replica run a set's switch.</summary>
    public Task<IClusterLock?> TryLockSwitchAsync(string set, CancellationToken cancellationToken = default) =>
        store.TryLockAsync("rotation/switch/" + Uri.EscapeDataString(set), cancellationToken);

    /// <summary>
    /// A shared store: records what this replica publishes now (a fingerprint keeps the time it was first seen here;
    /// one no longer published is dropped), then reads every replica's record and heartbeat. Null with files (one
    /// server: the state's first-published times are the rule).
    /// </summary>
    public async Task<RotationClusterView?> PublishAsync(TenantSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        if (!store.IsShared)
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        var before = _published ?? await OwnRecordAsync(cancellationToken);
        var sets = new Dictionary<string, IReadOnlyDictionary<string, DateTimeOffset>>(StringComparer.Ordinal);
        foreach (var entry in snapshot.Sets.Values)
        {
            var known = before?.Sets.GetValueOrDefault(entry.Set.Name);
            var certificates = new SortedDictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            foreach (var certificate in entry.Published)
            {
                certificates[certificate.Sha256] = known is not null && known.TryGetValue(certificate.Sha256, out var since) ? since : now;
            }

            sets[entry.Set.Name] = certificates;
        }

        var record = new RotationReplicaPublications { Replica = store.ReplicaName, Sets = sets };
        var json = JsonSerializer.SerializeToUtf8Bytes(record, RotationJsonContext.Default.RotationReplicaPublications);
        if (before is null || !json.AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(before, RotationJsonContext.Default.RotationReplicaPublications)))
        {
            await store.PutAsync([ClusterWrite.Put(PublicationKey(store.ReplicaName), json)], cancellationToken: cancellationToken);
        }

        _published = record;
        var view = await ReadViewAsync(cancellationToken);
        return view! with { Self = store.ReplicaName };
    }

    /// <summary>Every replica's publications and heartbeat, without recording anything (commands). Null with files.</summary>
    public async Task<RotationClusterView?> ReadViewAsync(CancellationToken cancellationToken = default)
    {
        if (!store.IsShared)
        {
            return null;
        }

        var publications = new List<RotationReplicaPublications>();
        foreach (var item in await store.ListAsync(PublicationPrefix, ".json", cancellationToken))
        {
            if (Deserialize(item.Value, RotationJsonContext.Default.RotationReplicaPublications) is { } record)
            {
                publications.Add(record);
            }
        }

        return new RotationClusterView
        {
            Publications = publications,
            Replicas = await store.ListReplicasAsync(cancellationToken),
            ReplicaTimeout = clusterOptions.Value.ReplicaTimeout,
        };
    }

    private async Task<RotationReplicaPublications?> OwnRecordAsync(CancellationToken cancellationToken) =>
        await store.GetAsync(PublicationKey(store.ReplicaName), cancellationToken) is { } item
            ? Deserialize(item.Value, RotationJsonContext.Default.RotationReplicaPublications)
            : null;

    private static string PublicationKey(string replica) => PublicationPrefix + Uri.EscapeDataString(replica) + ".json";

    private RotationState Parse(byte[] value)
    {
        var state = Deserialize(value, RotationJsonContext.Default.RotationState);
        return state is null ? RotationState.Empty : state with { Sets = new Dictionary<string, RotationSetState>(state.Sets, StringComparer.Ordinal) };
    }

    private T? Deserialize<T>(byte[] value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(value, type);
        }
        catch (JsonException ex)
        {
            // Starting over only makes safe-at times later (every fingerprint counts as published now), never earlier.
            RotationLog.StateUnreadable(logger, Path, ex.Message);
            return null;
        }
    }
}

using PoshServer.Cluster;

namespace PoshServer.Rotation;

/// <summary>
/// The cluster's publications and heartbeats, read from the shared store once per evaluation.
/// </summary>
/// <remarks>
/// RFC 7711 §3 (and §4 for references): a client may cache a document for its <c>expires</c> seconds. In a cluster a
/// client may have fetched its copy from any replica, so the next certificate is safe to deploy only once every
/// replica that could have served a document without it has been publishing it for the longest <c>expires</c>:
/// safe-at counts from the LATEST publication among the replicas. The rule, per replica:
/// <list type="bullet">
/// <item>it publishes the certificate since P: it counts with P;</item>
/// <item>it is live (heartbeat within <c>Cluster:ReplicaTimeout</c>) and does not publish it yet: safe-at waits for
/// it (it may serve documents without the certificate at any moment);</item>
/// <item>it is not live and never published it: it counts with its last heartbeat, the latest time it is known to
/// have served documents without it, so a dead replica holds rotation back for at most its timeout.</item>
/// </list>
/// Heartbeat times are the store's clock and publication times each replica's own; the margin covers the skew. A
/// replica cut off from the store but still serving counts as dead after its timeout: keep the timeout above the
/// outages the cluster should ride through.
/// </remarks>
internal sealed record RotationClusterView
{
    public required IReadOnlyList<RotationReplicaPublications> Publications { get; init; }

    public required IReadOnlyList<ReplicaHeartbeat> Replicas { get; init; }

    /// <summary>The evaluating replica (always live), or null for a command that only looks.</summary>
    public string? Self { get; init; }

    public required TimeSpan ReplicaTimeout { get; init; }

    public RotationPublication PublicationOf(string set, string sha256, DateTimeOffset now)
    {
        var published = Publications
            .GroupBy(p => p.Replica, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var heartbeats = Replicas.ToDictionary(r => r.Name, StringComparer.Ordinal);
        DateTimeOffset? latest = null;
        DateTimeOffset? released = null;
        var waiting = new List<string>();
        void Count(DateTimeOffset at) => latest = latest is { } l && l >= at ? l : at;

        foreach (var name in published.Keys.Union(heartbeats.Keys, StringComparer.Ordinal).Union(Self is null ? [] : [Self], StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var heartbeat = heartbeats.GetValueOrDefault(name);
            var live = string.Equals(name, Self, StringComparison.Ordinal) || (heartbeat is not null && now - heartbeat.LastSeen <= ReplicaTimeout);
            if (published.TryGetValue(name, out var record)
                && record.Sets.TryGetValue(set, out var certificates)
                && certificates.TryGetValue(sha256, out var since))
            {
                Count(since);
            }
            else if (live)
            {
                waiting.Add(name);
                if (heartbeat is not null && !string.Equals(name, Self, StringComparison.Ordinal))
                {
                    var until = heartbeat.LastSeen + ReplicaTimeout;
                    released = released is { } r && r <= until ? r : until;
                }
            }
            else if (heartbeat is not null)
            {
                Count(heartbeat.LastSeen);
            }
        }

        return waiting.Count > 0
            ? new RotationPublication { WaitingFor = waiting, ReleasedAt = released }
            : new RotationPublication { At = latest };
    }
}

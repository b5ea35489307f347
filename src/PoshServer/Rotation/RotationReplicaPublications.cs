namespace PoshServer.Rotation;

/// <summary>
/// What one replica publishes, per certificate set: each fingerprint with the time this replica started publishing
/// it. Every replica writes only its own record (<c>rotation/publications/&lt;replica&gt;.json</c>), so records never
/// conflict; together they give the cluster's safe-at (<see cref="RotationClusterView"/>).
/// </summary>
internal sealed record RotationReplicaPublications
{
    public required string Replica { get; init; }

    /// <summary>Set name → padded base64 sha-256 → when this replica started publishing it.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, DateTimeOffset>> Sets { get; init; }
}

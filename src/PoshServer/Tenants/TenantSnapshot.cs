using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace PoshServer.Tenants;

/// <summary>
/// Everything loaded from the tenants directory at one point in time. Immutable: a reload builds a new snapshot
/// and swaps it in with one reference assignment, so a request sees either the old set or the new one.
/// </summary>
internal sealed class TenantSnapshot
{
    public static TenantSnapshot Empty { get; } = new()
    {
        Tenants = FrozenDictionary<string, TenantEntry>.Empty,
        Sets = FrozenDictionary<string, CertificateSetEntry>.Empty,
        DefaultSet = null,
        BuiltAt = DateTimeOffset.MinValue,
        NextExpiry = null,
        Warnings = [],
        Generation = 0,
    };

    /// <summary>Tenants by normalised domain (compared ignoring case). Never modified once the snapshot is built.</summary>
    public required IReadOnlyDictionary<string, TenantEntry> Tenants { get; init; }

    public required FrozenDictionary<string, CertificateSetEntry> Sets { get; init; }

    /// <summary>The set served on the hoster's own host names.</summary>
    public required CertificateSetEntry? DefaultSet { get; init; }

    public required DateTimeOffset BuiltAt { get; init; }

    /// <summary>When the next published certificate expires: the snapshot must be rebuilt then to stop publishing it.</summary>
    public required DateTimeOffset? NextExpiry { get; init; }

    /// <summary>Warnings of the load that built this snapshot (expired certificates, files kept at their last good version).</summary>
    public required ImmutableArray<TenantDiagnostic> Warnings { get; init; }

    /// <summary>Increases with every swap; lets tests and metrics tell snapshots apart.</summary>
    public required long Generation { get; init; }

    public bool TryGetTenant(string domain, [NotNullWhen(true)] out TenantEntry? entry) => Tenants.TryGetValue(domain, out entry);
}

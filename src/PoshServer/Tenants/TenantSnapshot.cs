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
        LongestExpires = FrozenDictionary<string, long>.Empty,
        AcmeDomains = [],
    };

    /// <summary>Tenants by normalised domain (compared ignoring case). Never modified once the snapshot is built.</summary>
    public required IReadOnlyDictionary<string, TenantEntry> Tenants { get; init; }

    public required FrozenDictionary<string, CertificateSetEntry> Sets { get; init; }

    /// <summary>The set served on the hoster's own host names.</summary>
    public required CertificateSetEntry? DefaultSet { get; init; }

    public required DateTimeOffset BuiltAt { get; init; }

    /// <summary>When the next published certificate expires: the snapshot must be rebuilt then to stop publishing it.</summary>
    public required DateTimeOffset? NextExpiry { get; init; }

    /// <summary>
    /// Set name → the longest fingerprints-document <c>expires</c> among the tenants of the set (absent: no tenant uses
    /// it), for rotation's safe-at clock (RFC 7711 §3.1), counted as tenants change rather than by a pass over them.
    /// </summary>
    public required IReadOnlyDictionary<string, long> LongestExpires { get; init; }

    /// <summary>
    /// The tenants that want an HTTPS certificate from ACME (<c>acme: true</c>, not disabled), by name; the same
    /// instance from one snapshot to the next until one of them changes, so ACME looks at them only then.
    /// </summary>
    public required ImmutableSortedSet<string> AcmeDomains { get; init; }

    /// <summary>Warnings of the load that built this snapshot (expired certificates, files kept at their last good version).</summary>
    public required ImmutableArray<TenantDiagnostic> Warnings { get; init; }

    /// <summary>Increases with every swap; lets tests and metrics tell snapshots apart.</summary>
    public required long Generation { get; init; }

    /// <summary>
    /// The domains whose entry differs from the snapshot of the generation before this one (added, replaced or
    /// withdrawn), when the load knows them: a watcher's change or a full load on unchanged sets. Null after a load that
    /// rebuilt the catalog; then compare everything. Lets per-swap work (what was withdrawn, what the status page marks
    /// as changed) cost the changes, not the tenant count (issue 9).
    /// </summary>
    public IReadOnlySet<string>? ChangedDomains { get; init; }

    /// <summary>The domains that differ from <paramref name="previous"/>, or null when only comparing every tenant can tell.</summary>
    public IReadOnlySet<string>? ChangedSince(TenantSnapshot previous) =>
        previous.Generation == Generation - 1 && previous.Generation > 0 ? ChangedDomains : null;

    public bool TryGetTenant(string domain, [NotNullWhen(true)] out TenantEntry? entry) => Tenants.TryGetValue(domain, out entry);
}

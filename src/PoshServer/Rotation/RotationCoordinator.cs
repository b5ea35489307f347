using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PoshServer.Certificates;
using PoshServer.Cluster;
using PoshServer.Tenants;

namespace PoshServer.Rotation;

/// <summary>
/// Runs rotation: plans from the current snapshot, remembers first-published times, keeps presented and draining
/// certificates published, performs due automatic switches, and rebuilds the tenant snapshot when the published
/// certificates change. Evaluations are serialised. In a cluster, safe-at counts from the latest publication among
/// the replicas (<see cref="RotationClusterView"/>), and a switch runs on exactly one replica: the one that takes the
/// set's switch lease and still finds the switch due when it re-reads the state under it (as ACME does per name); it
/// records the outcome, fenced by the lease, where every replica reads it.
/// </summary>
internal sealed class RotationCoordinator(
    TenantStore store,
    RetainedCertificates retained,
    RotationStateStore stateStore,
    RotationSwitcher switcher,
    CertificateFileCache files,
    IOptions<RotationOptions> options,
    IOptions<TenantsOptions> tenantsOptions,
    TimeProvider timeProvider,
    ILogger<RotationCoordinator> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, string> _attention = new(StringComparer.Ordinal);
    private ImmutableArray<RotationSetStatus> _statuses = [];

    /// <summary>The statuses of the latest evaluation.</summary>
    public ImmutableArray<RotationSetStatus> Statuses => _statuses;

    /// <summary>When the latest evaluation expects the next change by itself.</summary>
    public DateTimeOffset? NextDue { get; private set; }

    /// <summary>Plans without changing anything, from a given snapshot (for commands): the stored state and, in a cluster, every replica's publications.</summary>
    public async Task<ImmutableArray<RotationSetStatus>> PreviewAsync(TenantSnapshot snapshot, CancellationToken cancellationToken = default) =>
        Plan(snapshot, await stateStore.LoadAsync(cancellationToken), await stateStore.ReadViewAsync(cancellationToken)).Statuses;

    public async Task<ImmutableArray<RotationSetStatus>> EvaluateAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            RotationState state;
            RotationClusterView? cluster;
            try
            {
                cluster = await stateStore.PublishAsync(store.Current, cancellationToken);
                state = await stateStore.LoadAsync(cancellationToken);
            }
            catch (ClusterStoreException ex)
            {
                // Cut off from the store: keep publishing what this replica knows, but decide nothing (no safe-at
                // without the others' publications, no switch without the lease) until it answers again.
                RotationLog.StoreUnavailable(logger, ex.Message);
                var degraded = Plan(store.Current, stateStore.LastKnown, Unreachable());
                await ApplyAsync(degraded, save: false, cancellationToken);
                _statuses = degraded.Statuses;
                NextDue = null;
                return degraded.Statuses;
            }

            var plan = await ApplyAsync(Plan(store.Current, state, cluster), save: true, cancellationToken);
            var switched = false;
            foreach (var (set, rotation, next) in plan.Switches)
            {
                switched |= await SwitchOnceAsync(set, rotation, next, cluster, cancellationToken);
            }

            if (switched)
            {
                // The deployed files changed: pick them up now rather than waiting for the file watcher.
                await store.ReloadAsync("certificate rotation", cancellationToken: cancellationToken);
                plan = await ApplyAsync(Plan(store.Current, await stateStore.LoadAsync(cancellationToken), cluster), save: true, cancellationToken);
            }

            _statuses = plan.Statuses;
            NextDue = plan.NextDue;
            return plan.Statuses;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    // Nobody counts as having published: safe-at stays unknown while the store is unreachable.
    private RotationClusterView? Unreachable() => stateStore.Store.IsShared
        ? new RotationClusterView { Publications = [], Replicas = [], Self = null, ReplicaTimeout = TimeSpan.Zero }
        : null;

    /// <summary>Runs a due switch unless another replica holds the set's switch lease or has done it meanwhile; true when this replica ran it.</summary>
    private async Task<bool> SwitchOnceAsync(string set, CertificateSetRotation rotation, PublishedCertificate next, RotationClusterView? cluster, CancellationToken cancellationToken)
    {
        IClusterLock? lease;
        try
        {
            lease = await stateStore.TryLockSwitchAsync(set, cancellationToken);
        }
        catch (ClusterStoreException ex)
        {
            RotationLog.StoreUnavailable(logger, ex.Message);
            return false;
        }

        if (lease is null)
        {
            RotationLog.SwitchElsewhere(logger, set, next.Sha256);
            return false;
        }

        await using (lease)
        {
            // Re-check under the lease: the replica that held it before may have switched (or failed and now waits to
            // retry), which the fresh state's last switch and deployed file show.
            RotationState state;
            try
            {
                state = await stateStore.LoadAsync(cancellationToken);
            }
            catch (ClusterStoreException ex)
            {
                RotationLog.StoreUnavailable(logger, ex.Message);
                return false;
            }

            if (!Plan(store.Current, state, cluster).Switches.Any(s => string.Equals(s.Set, set, StringComparison.Ordinal) && string.Equals(s.Next.Sha256, next.Sha256, StringComparison.Ordinal)))
            {
                RotationLog.SwitchAlreadyDone(logger, set, next.Sha256);
                return false;
            }

            var outcome = await switcher.SwitchAsync(rotation, next, cancellationToken);
            if (stateStore.Store.IsShared)
            {
                outcome = outcome with { Replica = stateStore.Store.ReplicaName, FencingToken = lease.Token };
            }

            if (outcome.Succeeded)
            {
                RotationLog.SwitchSucceeded(logger, set, next.Sha256, outcome.Message);
            }
            else
            {
                RotationLog.SwitchFailed(logger, set, next.Sha256, outcome.Message);
            }

            try
            {
                await stateStore.SaveSwitchAsync(set, outcome, lease, cancellationToken);
            }
            catch (ClusterStoreException ex)
            {
                // The files are deployed; only the record is missing, so another replica finds the switch done by
                // the deployed file (not due any more), unless it failed, in which case it may retry.
                RotationLog.SwitchNotRecorded(logger, set, next.Sha256, ex.Message);
            }

            var sets = new Dictionary<string, RotationSetState>(state.Sets, StringComparer.Ordinal);
            sets[set] = (sets.GetValueOrDefault(set) ?? RotationSetState.Empty) with { LastSwitch = outcome };
            await SaveAsync(state with { Sets = sets }, cancellationToken);
            return true;
        }
    }

    private RotationPlan Plan(TenantSnapshot snapshot, RotationState state, RotationClusterView? cluster) =>
        RotationPlanner.Plan(
            snapshot,
            state,
            timeProvider.GetUtcNow(),
            tenantsOptions.Value.DefaultExpires,
            tenantsOptions.Value.DefaultCertificateSet,
            options.Value.Margin,
            options.Value.SwitchRetryDelay,
            path => files.Read(path).Certificate,
            options.Value.DaneTlsaTtl,
            cluster);

    private async Task<RotationPlan> ApplyAsync(RotationPlan plan, bool save, CancellationToken cancellationToken)
    {
        foreach (var (set, certificate, published) in plan.Events)
        {
            if (published)
            {
                var status = plan.Statuses.FirstOrDefault(s => string.Equals(s.Set, set, StringComparison.Ordinal));
                RotationLog.NextPublished(logger, set, certificate.Subject, certificate.Sha256, status?.SafeAt ?? certificate.FirstPublished);
            }
            else
            {
                RotationLog.Retired(logger, set, certificate.Sha256);
            }
        }

        // Once per condition: an early deployment stays flagged on every evaluation (each reload, every interval)
        // until safe-at passes, and repeating the same warning each time only buries it.
        foreach (var status in plan.Statuses)
        {
            if (status.Phase != RotationPhase.Attention || status.Note is null)
            {
                _attention.Remove(status.Set);
            }
            else if (!_attention.TryGetValue(status.Set, out var logged) || !string.Equals(logged, status.Note, StringComparison.Ordinal))
            {
                _attention[status.Set] = status.Note;
                RotationLog.Attention(logger, status.Set, status.Note);
            }
        }

        if (save)
        {
            await SaveAsync(plan.State, cancellationToken);
        }

        // Presented and draining certificates must be in the snapshot before a switch overwrites their files.
        if (retained.Set(plan.Retained))
        {
            await store.ReloadAsync("certificate rotation", cancellationToken: cancellationToken);
        }

        return plan;
    }

    private async Task SaveAsync(RotationState state, CancellationToken cancellationToken)
    {
        try
        {
            await stateStore.SaveAsync(state, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ClusterStoreException)
        {
            // Serving goes on; only a restart would forget first-published times (which makes safe-at later, not earlier).
            RotationLog.StateNotSaved(logger, stateStore.Store.IsShared ? RotationStateStore.StateKey : stateStore.Path, ex.Message);
        }
    }
}

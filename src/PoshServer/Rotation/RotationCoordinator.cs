using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PoshServer.Certificates;
using PoshServer.Tenants;

namespace PoshServer.Rotation;

/// <summary>
/// Runs rotation: plans from the current snapshot, remembers first-published times, keeps presented and draining
/// certificates published, performs due automatic switches, and rebuilds the tenant snapshot when the published
/// certificates change. Evaluations are serialised.
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
    private ImmutableArray<RotationSetStatus> _statuses = [];

    /// <summary>The statuses of the latest evaluation.</summary>
    public ImmutableArray<RotationSetStatus> Statuses => _statuses;

    /// <summary>When the latest evaluation expects the next change by itself.</summary>
    public DateTimeOffset? NextDue { get; private set; }

    /// <summary>Plans without changing anything, from a given snapshot (for commands).</summary>
    public ImmutableArray<RotationSetStatus> Preview(TenantSnapshot snapshot) => Plan(snapshot, stateStore.Load()).Statuses;

    public async Task<ImmutableArray<RotationSetStatus>> EvaluateAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var plan = Apply(Plan(store.Current, stateStore.Load()));
            foreach (var (set, rotation, next) in plan.Switches)
            {
                var outcome = await switcher.SwitchAsync(rotation, next, cancellationToken);
                if (outcome.Succeeded)
                {
                    RotationLog.SwitchSucceeded(logger, set, next.Sha256, outcome.Message);
                }
                else
                {
                    RotationLog.SwitchFailed(logger, set, next.Sha256, outcome.Message);
                }

                var state = stateStore.Load();
                var sets = new Dictionary<string, RotationSetState>(state.Sets, StringComparer.Ordinal);
                sets[set] = (sets.GetValueOrDefault(set) ?? RotationSetState.Empty) with { LastSwitch = outcome };
                Save(state with { Sets = sets });
            }

            if (!plan.Switches.IsEmpty)
            {
                // The deployed files changed: pick them up now rather than waiting for the file watcher.
                store.Reload("certificate rotation");
                plan = Apply(Plan(store.Current, stateStore.Load()));
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

    private RotationPlan Plan(TenantSnapshot snapshot, RotationState state) =>
        RotationPlanner.Plan(
            snapshot,
            state,
            timeProvider.GetUtcNow(),
            tenantsOptions.Value.DefaultExpires,
            options.Value.Margin,
            options.Value.SwitchRetryDelay,
            path => files.Read(path).Certificate,
            options.Value.DaneTlsaTtl);

    private RotationPlan Apply(RotationPlan plan)
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

        foreach (var status in plan.Statuses.Where(s => s.Phase == RotationPhase.Attention && s.Note is not null))
        {
            RotationLog.Attention(logger, status.Set, status.Note!);
        }

        Save(plan.State);

        // Presented and draining certificates must be in the snapshot before a switch overwrites their files.
        if (retained.Set(plan.Retained))
        {
            store.Reload("certificate rotation");
        }

        return plan;
    }

    private void Save(RotationState state)
    {
        var before = JsonSerializer.Serialize(stateStore.Load(), RotationJsonContext.Default.RotationState);
        var after = JsonSerializer.Serialize(state, RotationJsonContext.Default.RotationState);
        if (string.Equals(before, after, StringComparison.Ordinal) && File.Exists(stateStore.Path))
        {
            return;
        }

        try
        {
            stateStore.Save(state);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Serving goes on; only a restart would forget first-published times (which makes safe-at later, not earlier).
            RotationLog.StateNotSaved(logger, stateStore.Path, ex.Message);
        }
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PoshServer.Cluster;

namespace PoshServer.FailureReports;

/// <summary>
/// Reports in memory, per domain: the newest <see cref="FailureReportsOptions.PerDomain"/> within the window. Only
/// hosted tenants' domains are accepted, so the number of domains is bounded by the tenant count, and the reports (and
/// the keys remembered to merge other replicas' reports once) by tenants × PerDomain (issue 14). In a cluster each
/// report is also written to the shared store under <c>reports/&lt;domain&gt;/</c> (queued while the store is
/// unreachable: the newest <see cref="MaxUnsent"/>, older ones are dropped from the queue but stay in memory), and
/// <see cref="RefreshAsync"/> brings in the ones other replicas received.
/// </summary>
internal sealed class FailureReportStore(IOptions<FailureReportsOptions> options, TimeProvider timeProvider, IClusterStore? cluster = null) : IDisposable
{
    /// <summary>Reports queued for an unreachable shared store at most; reporters are peers, so the queue is bounded.</summary>
    internal const int MaxUnsent = 10_000;

    private const string Prefix = "reports/";
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedList<(string Key, FailureReport Report)>> _byDomain = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Key, FailureReport Report)> _unsent = new();
    private readonly SemaphoreSlim _flushGate = new(1, 1);
    private long _sequence;

    private bool Shared => cluster?.IsShared == true;

    /// <summary>Report keys remembered (one per report held in memory).</summary>
    internal int KnownCount
    {
        get
        {
            lock (_gate)
            {
                return _known.Count;
            }
        }
    }

    /// <summary>Reports waiting for the shared store (at most <see cref="MaxUnsent"/>).</summary>
    internal int UnsentCount => _unsent.Count;

    public void Dispose() => _flushGate.Dispose();

    public void Add(FailureReport report)
    {
        // The key orders by receipt time and is unique per replica, so every replica merges the same set. The domain
        // is already the normalised A-label (the endpoint parsed it), so one tenant has one prefix.
        var key = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{report.Domain}/{report.ReceivedAt.UtcTicks:D19}-{cluster?.ReplicaName ?? "local"}-{Interlocked.Increment(ref _sequence)}.json");
        Insert(key, report);
        if (Shared)
        {
            _unsent.Enqueue((key, report));
            while (_unsent.Count > MaxUnsent && _unsent.TryDequeue(out _))
            {
                // The oldest waiting report is dropped from the queue; this replica still shows it.
            }

            _ = FlushAsync(CancellationToken.None);
        }
    }

    /// <summary>Sends queued reports and merges in other replicas' (a shared store only); an unreachable store leaves memory as it is.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        if (!Shared)
        {
            return;
        }

        await FlushAsync(cancellationToken);
        try
        {
            foreach (var item in await cluster!.ListAsync(Prefix, ".json", cancellationToken))
            {
                if (!IsKnown(item.Key) && JsonSerializer.Deserialize(item.Value, FailureReportJsonContext.Default.FailureReport) is { } report)
                {
                    Insert(item.Key, report);
                }
            }
        }
        catch (ClusterStoreException)
        {
            // Serve what this replica has; the next refresh catches up.
        }
    }

    /// <summary>Domains with reports in the window, most recent first.</summary>
    public IReadOnlyList<FailureReportSummary> Summaries(int recentPerDomain = 5)
    {
        var cutoff = timeProvider.GetUtcNow() - options.Value.Window;
        lock (_gate)
        {
            foreach (var (domain, list) in _byDomain.ToList())
            {
                while (list.Last is { } last && last.Value.Report.ReceivedAt < cutoff)
                {
                    _known.Remove(last.Value.Key);
                    list.RemoveLast();
                }

                if (list.Count == 0)
                {
                    _byDomain.Remove(domain);
                }
            }

            return [.. _byDomain
                .Select(p => new FailureReportSummary { Domain = p.Key, Count = p.Value.Count, Latest = p.Value.First!.Value.Report.ReceivedAt, Recent = [.. p.Value.Take(recentPerDomain).Select(e => e.Report)] })
                .OrderByDescending(s => s.Latest)];
        }
    }

    private bool IsKnown(string key)
    {
        lock (_gate)
        {
            return _known.Contains(key);
        }
    }

    private void Insert(string key, FailureReport report)
    {
        lock (_gate)
        {
            if (!_known.Add(key))
            {
                return;
            }

            if (!_byDomain.TryGetValue(report.Domain, out var list))
            {
                list = new LinkedList<(string, FailureReport)>();
                _byDomain[report.Domain] = list;
            }

            // Newest first; peers' reports may arrive out of order.
            var node = list.First;
            while (node is not null && node.Value.Report.ReceivedAt > report.ReceivedAt)
            {
                node = node.Next;
            }

            if (node is null)
            {
                list.AddLast((key, report));
            }
            else
            {
                list.AddBefore(node, (key, report));
            }

            while (list.Count > options.Value.PerDomain)
            {
                _known.Remove(list.Last!.Value.Key);
                list.RemoveLast();
            }
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushGate.WaitAsync(cancellationToken);
        try
        {
            while (_unsent.TryPeek(out var next))
            {
                await cluster!.PutAsync([ClusterWrite.Put(next.Key, JsonSerializer.SerializeToUtf8Bytes(next.Report, FailureReportJsonContext.Default.FailureReport))], cancellationToken: cancellationToken);
                _unsent.TryDequeue(out _);
                await PruneAsync(next.Report.Domain, cancellationToken);
            }
        }
        catch (ClusterStoreException)
        {
            // Kept in the queue: sent when the store answers again.
        }
        finally
        {
            _flushGate.Release();
        }
    }

    // The shared store keeps the same bound as memory: the newest PerDomain within the window.
    private async Task PruneAsync(string domain, CancellationToken cancellationToken)
    {
        var items = await cluster!.ListAsync(Prefix + domain + "/", ".json", cancellationToken);
        var cutoff = (timeProvider.GetUtcNow() - options.Value.Window).UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
        var excess = items.Count - options.Value.PerDomain;
        var deletes = items
            .Where((item, index) => index < excess || string.CompareOrdinal(item.Key[(item.Key.LastIndexOf('/') + 1)..], cutoff) < 0)
            .Select(item => ClusterWrite.Delete(item.Key))
            .ToList();
        if (deletes.Count > 0)
        {
            await cluster.PutAsync(deletes, cancellationToken: cancellationToken);
        }
    }
}

using Microsoft.Extensions.Options;

namespace PoshServer.FailureReports;

/// <summary>
/// Reports in memory, per domain: the newest <see cref="FailureReportsOptions.PerDomain"/> within the window. Only
/// hosted tenants' domains are accepted, so the number of domains is bounded by the tenant count.
/// </summary>
internal sealed class FailureReportStore(IOptions<FailureReportsOptions> options, TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedList<FailureReport>> _byDomain = new(StringComparer.OrdinalIgnoreCase);

    public void Add(FailureReport report)
    {
        lock (_gate)
        {
            if (!_byDomain.TryGetValue(report.Domain, out var list))
            {
                list = new LinkedList<FailureReport>();
                _byDomain[report.Domain] = list;
            }

            list.AddFirst(report);
            while (list.Count > options.Value.PerDomain)
            {
                list.RemoveLast();
            }
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
                while (list.Last is { } last && last.Value.ReceivedAt < cutoff)
                {
                    list.RemoveLast();
                }

                if (list.Count == 0)
                {
                    _byDomain.Remove(domain);
                }
            }

            return [.. _byDomain
                .Select(p => new FailureReportSummary { Domain = p.Key, Count = p.Value.Count, Latest = p.Value.First!.Value.ReceivedAt, Recent = [.. p.Value.Take(recentPerDomain)] })
                .OrderByDescending(s => s.Latest)];
        }
    }
}

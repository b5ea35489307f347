using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using PoshServer.Rotation;
using PoshServer.TenantChecks;

namespace PoshServer.Status;

/// <summary>
/// The status page: plain server-rendered HTML with inline styles and no scripts or external assets, so it works on an
/// air-gapped admin network and through any proxy. Built for a hoster's scale: a summary on top, one page of tenants
/// (failing first, searchable, paged through the query string, see <see cref="StatusPageQuery"/>), and each tenant's
/// findings in its own view, so the page stays small with 10,000 tenants. Everything from data is HTML-encoded.
/// </summary>
internal static class StatusPage
{
    /// <summary>The most domains the failure-report table lists on the main page (the rest: per-tenant view, /api/status).</summary>
    public const int MaxReportRows = 20;

    private static readonly HtmlEncoder s_html = HtmlEncoder.Default;

    /// <summary>The page for <paramref name="query"/>; <c>Found</c> is false when it asks for a tenant that does not exist (404).</summary>
    public static (string Html, bool Found) Render(StatusReport report, StatusPageQuery query)
    {
        var html = new StringBuilder(64 * 1024);
        html.Append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>PoshServer status</title>
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
            table{border-collapse:collapse;margin:.5em 0 1.5em}
            th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
            th{background:#f3f3f3}
            code{font-size:12px}
            .counts{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.4em}.counts li{border:1px solid #ccc;padding:.2em .6em}
            .Pass{background:#e3f6e3}.Warn{background:#fff3cd}.Fail,.SwitchFailed,.Attention{background:#f8d7da}
            .NotApplicable,.NotChecked,.Disabled{color:#777}.Stale,.stale{color:#777;font-style:italic}
            .Publishing,.Draining{background:#fff3cd}.SafeToDeploy{background:#d9ecff}
            .u{color:#555}
            </style></head><body>
            <h1>PoshServer status</h1>
            """);
        RenderSummary(html, report, query);
        bool found = true;
        if (query.Tenant is { } wanted)
        {
            found = StatusTenantView.Render(html, report, wanted);
        }
        else
        {
            RenderLoadErrors(html, report);
            RenderReplicas(html, report);
            StatusTenantsTable.Render(html, report, query);
            RenderSets(html, report);
            RenderRotation(html, report);
            RenderReports(html, report);
        }

        html.Append("</body></html>\n");
        return (html.ToString(), found);
    }

    public static string Encode(string text) => s_html.Encode(text);

    public static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A domain as served (A-label) with its U-label beside it for an IDN.</summary>
    public static void Domain(StringBuilder html, StatusTenant tenant, bool link)
    {
        if (link)
        {
            html.Append("<a href=\"").Append(Encode(new StatusPageQuery().Link(tenant: tenant.Domain))).Append("\">").Append(Encode(tenant.Domain)).Append("</a>");
        }
        else
        {
            html.Append(Encode(tenant.Domain));
        }

        if (tenant.UnicodeDomain is { } unicode)
        {
            html.Append(" <span class=\"u\" data-unicode>").Append(Encode(unicode)).Append("</span>");
        }
    }

    private static void RenderSummary(StringBuilder html, StatusReport report, StatusPageQuery query)
    {
        html.Append(CultureInfo.InvariantCulture, $"<section id=\"summary\"><p>Generated {Time(report.GeneratedAt)} · snapshot generation {report.Generation} built {Time(report.SnapshotBuiltAt)} · checks completed {(report.ChecksCompletedAt is { } at ? Time(at) : report.ChecksSchedule == TenantCheckSchedule.NotConfigured ? "never (background checks not configured: set TenantChecks:XmppHosts)" : "not yet")}</p>\n");
        var counts = new int[Enum.GetValues<StatusTenantState>().Length];
        foreach (var tenant in report.Tenants)
        {
            counts[(int)tenant.State]++;
        }

        html.Append("<ul class=\"counts\" id=\"tenant-counts\"><li data-state=\"all\"><a href=\"").Append(Encode(query.Link(clearState: true))).Append("\">Tenants</a> <b data-count>")
            .Append(report.Tenants.Count.ToString(CultureInfo.InvariantCulture)).Append("</b></li>");
        foreach (var state in Enum.GetValues<StatusTenantState>())
        {
            html.Append("<li class=\"").Append(state).Append("\" data-state=\"").Append(state).Append("\"><a href=\"").Append(Encode(query.Link(state: state))).Append("\">")
                .Append(state).Append("</a> <b data-count>").Append(counts[(int)state].ToString(CultureInfo.InvariantCulture)).Append("</b></li>");
        }

        html.Append("</ul>\n<ul class=\"counts\" id=\"other-counts\">");
        html.Append(CultureInfo.InvariantCulture, $"<li data-summary=\"sets\"><a href=\"#sets\">Certificate sets</a> <b data-count>{report.Sets.Count}</b></li>");
        foreach (var phase in report.Rotation.GroupBy(r => r.Phase).OrderBy(g => g.Key))
        {
            html.Append(CultureInfo.InvariantCulture, $"<li class=\"{phase.Key}\" data-summary=\"rotation\" data-phase=\"{phase.Key}\"><a href=\"#rotation\">Rotation {phase.Key}</a> <b data-count>{phase.Count()}</b></li>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<li data-summary=\"reports\"><a href=\"#failure-reports\">Failure reports</a> <b data-count>{report.FailureReports.Sum(r => r.Count)}</b> for <b data-domains>{report.FailureReports.Count}</b> domains</li>");
        if (report.LoadErrors.Count > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li class=\"Fail\" data-summary=\"load-errors\"><a href=\"#load-errors\">Load errors</a> <b data-count>{report.LoadErrors.Count}</b></li>");
        }

        html.Append("</ul></section>\n");
    }

    private static void RenderLoadErrors(StringBuilder html, StatusReport report)
    {
        if (report.LoadErrors.Count == 0)
        {
            return;
        }

        html.Append("<h2>Load errors</h2><ul id=\"load-errors\">");
        foreach (var error in report.LoadErrors)
        {
            html.Append("<li>").Append(Encode(error)).Append("</li>");
        }

        html.Append("</ul>\n");
    }

    private static void RenderReplicas(StringBuilder html, StatusReport report)
    {
        if (report.ClusterError is { } error)
        {
            html.Append("<p id=\"cluster-error\" class=\"Fail\">Cluster store unreachable: ").Append(Encode(error)).Append(" (serving what this replica has)</p>\n");
        }

        html.Append("<h2>Replicas</h2><table id=\"replicas\"><thead><tr><th>Replica</th><th>Version</th><th>Last seen</th><th>Tenant generation</th><th>Tenants</th><th>Certificates</th></tr></thead><tbody>\n");
        foreach (var replica in report.Replicas)
        {
            var state = replica.ServesOlderTenants ? "Fail" : replica.Live ? "Pass" : "Warn";
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"{state}\"><td>{Encode(replica.Name)}{(replica.Self ? " (this one)" : string.Empty)}</td><td>{Encode(replica.Version)}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td>{Time(replica.LastSeen)}{(replica.Live ? string.Empty : " (not live)")}</td><td>{replica.TenantGeneration} built {Time(replica.TenantSnapshotBuiltAt)}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td><code>{Encode(replica.TenantDigest)}</code>{(replica.ServesOlderTenants ? " <strong>serves an older tenant generation</strong>" : string.Empty)}</td><td>{replica.Certificates.Count}</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
    }

    private static void RenderSets(StringBuilder html, StatusReport report)
    {
        html.Append("<h2>Certificate sets</h2><table id=\"sets\"><thead><tr><th>Set</th><th>Tenants</th><th>Published (newest first)</th></tr></thead><tbody>\n");
        foreach (var set in report.Sets)
        {
            html.Append("<tr data-set=\"").Append(Encode(set.Name)).Append("\"><td>").Append(Encode(set.Name));
            if (set.Description is { } description)
            {
                html.Append("<br><small>").Append(Encode(description)).Append("</small>");
            }

            html.Append(CultureInfo.InvariantCulture, $"</td><td>{set.Tenants}</td><td>");
            foreach (var certificate in set.Published)
            {
                html.Append("<code>").Append(Encode(certificate.Sha256)).Append("</code> ").Append(Encode(certificate.Subject))
                    .Append(" expires ").Append(Time(certificate.NotAfter)).Append("<br>");
            }

            html.Append("</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
    }

    private static void RenderRotation(StringBuilder html, StatusReport report)
    {
        html.Append("<h2>Rotation</h2><table id=\"rotation\"><thead><tr><th>Set</th><th>Phase</th><th>Current</th><th>Next</th><th>Safe to deploy at</th><th>Retiring</th><th>Last switch</th></tr></thead><tbody>\n");
        foreach (var status in report.Rotation)
        {
            html.Append("<tr data-set=\"").Append(Encode(status.Set)).Append("\"><td>").Append(Encode(status.Set)).Append("</td><td class=\"").Append(status.Phase).Append("\">").Append(status.Phase);
            if (status.Note is { } note)
            {
                html.Append("<br><small>").Append(Encode(note)).Append("</small>");
            }

            html.Append("</td><td>").Append(Certificates(status.Current)).Append("</td><td>").Append(status.Next is { } next ? Certificates([next]) : "-")
                .Append("</td><td class=\"safe-at\">").Append(status.SafeAt is { } safe ? Time(safe) : "-").Append("</td><td>");
            foreach (var retiring in status.Retiring)
            {
                html.Append("<code>").Append(Encode(retiring.Sha256)).Append("</code> until ").Append(retiring.RetireAt is { } at ? Time(at) : "-").Append("<br>");
            }

            html.Append("</td><td>");
            if (status.LastSwitch is { } last)
            {
                html.Append(Time(last.At)).Append(last.Succeeded ? " ok: " : " FAILED: ").Append(Encode(last.Message));
            }

            html.Append("</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
    }

    private static void RenderReports(StringBuilder html, StatusReport report)
    {
        html.Append("<h2>Failure reports</h2>");
        if (report.FailureReports.Count == 0)
        {
            html.Append("<p id=\"failure-reports\">No failure reports in the window.</p>\n");
            return;
        }

        var latest = report.FailureReports.OrderByDescending(r => r.Latest).Take(MaxReportRows).ToList();
        if (latest.Count < report.FailureReports.Count)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>The {latest.Count} domains reported most recently of {report.FailureReports.Count}; each tenant's view lists its own.</p>");
        }

        html.Append("<table id=\"failure-reports\"><thead><tr><th>Domain</th><th>Reports</th><th>Latest</th><th>Recent</th></tr></thead><tbody>\n");
        foreach (var summary in latest)
        {
            html.Append("<tr data-domain=\"").Append(Encode(summary.Domain)).Append("\"><td>").Append(Encode(summary.Domain))
                .Append(CultureInfo.InvariantCulture, $"</td><td>{summary.Count}</td><td>{Time(summary.Latest)}</td><td>");
            Reports(html, summary);
            html.Append("</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
    }

    public static void Reports(StringBuilder html, PoshServer.FailureReports.FailureReportSummary summary)
    {
        html.Append("<ul>");
        foreach (var item in summary.Recent)
        {
            html.Append("<li>").Append(Encode($"{item.Service} {item.Outcome} from {item.Reporter ?? "anonymous"}: {item.Reason}")).Append("</li>");
        }

        html.Append("</ul>");
    }

    private static string Certificates(IEnumerable<RotationCertificateInfo> certificates) =>
        string.Join("<br>", certificates.Select(c => "<code>" + Encode(c.Sha256) + "</code> " + Encode(c.Subject) + " expires " + Time(c.NotAfter)));
}

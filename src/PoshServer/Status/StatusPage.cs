using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using PoshServer.Rotation;
using PoshServer.TenantChecks;

namespace PoshServer.Status;

/// <summary>
/// The status page: plain server-rendered HTML with inline styles and no scripts or external assets, so it works on an
/// air-gapped admin network and through any proxy.
/// </summary>
internal static class StatusPage
{
    private static readonly HtmlEncoder s_html = HtmlEncoder.Default;

    public static string Render(StatusReport report)
    {
        var html = new StringBuilder();
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
            .Pass{background:#e3f6e3}.Warn{background:#fff3cd}.Fail,.SwitchFailed,.Attention{background:#f8d7da}
            .NotApplicable,.NotChecked{color:#777}.Publishing,.Draining{background:#fff3cd}.SafeToDeploy{background:#d9ecff}
            </style></head><body>
            <h1>PoshServer status</h1>
            """);
        html.Append(CultureInfo.InvariantCulture, $"<p id=\"summary\">Generated {Time(report.GeneratedAt)} · snapshot generation {report.Generation} built {Time(report.SnapshotBuiltAt)} · {report.Tenants.Count} tenants · {report.Sets.Count} certificate sets · checks completed {(report.ChecksCompletedAt is { } at ? Time(at) : report.ChecksSchedule == TenantCheckSchedule.NotConfigured ? "never (background checks not configured: set TenantChecks:XmppHosts)" : "not yet")}</p>\n");

        if (report.LoadErrors.Count > 0)
        {
            html.Append("<h2>Load errors</h2><ul id=\"load-errors\">");
            foreach (var error in report.LoadErrors)
            {
                html.Append("<li>").Append(s_html.Encode(error)).Append("</li>");
            }

            html.Append("</ul>\n");
        }

        RenderReplicas(html, report);
        RenderTenants(html, report);
        RenderSets(html, report);
        RenderRotation(html, report);
        RenderReports(html, report);
        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static void RenderReplicas(StringBuilder html, StatusReport report)
    {
        if (report.ClusterError is { } error)
        {
            html.Append("<p id=\"cluster-error\" class=\"Fail\">Cluster store unreachable: ").Append(s_html.Encode(error)).Append(" (serving what this replica has)</p>\n");
        }

        html.Append("<h2>Replicas</h2><table id=\"replicas\"><thead><tr><th>Replica</th><th>Version</th><th>Last seen</th><th>Tenant generation</th><th>Tenants</th><th>Certificates</th></tr></thead><tbody>\n");
        foreach (var replica in report.Replicas)
        {
            var state = replica.ServesOlderTenants ? "Fail" : replica.Live ? "Pass" : "Warn";
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"{state}\"><td>{s_html.Encode(replica.Name)}{(replica.Self ? " (this one)" : string.Empty)}</td><td>{s_html.Encode(replica.Version)}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td>{Time(replica.LastSeen)}{(replica.Live ? string.Empty : " (not live)")}</td><td>{replica.TenantGeneration} built {Time(replica.TenantSnapshotBuiltAt)}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td><code>{s_html.Encode(replica.TenantDigest)}</code>{(replica.ServesOlderTenants ? " <strong>serves an older tenant generation</strong>" : string.Empty)}</td><td>{replica.Certificates.Count}</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
    }

    private static void RenderTenants(StringBuilder html, StatusReport report)
    {
        var verifiers = Enum.GetValues<KnownVerifier>();
        html.Append("<h2>Tenants</h2><table id=\"tenants\"><thead><tr><th>Domain</th><th>Set</th><th>Services</th><th>State</th>");
        foreach (var verifier in verifiers)
        {
            html.Append("<th>").Append(verifier).Append("</th>");
        }

        html.Append("</tr></thead><tbody>\n");
        foreach (var tenant in report.Tenants)
        {
            var state = tenant.Disabled ? "disabled" : tenant.PublishedCertificates == 0 ? "nothing to publish" : "serving";
            html.Append("<tr data-domain=\"").Append(s_html.Encode(tenant.Domain)).Append("\"><td>").Append(s_html.Encode(tenant.Domain)).Append("</td><td>")
                .Append(s_html.Encode(tenant.CertificateSet)).Append("</td><td>").Append(s_html.Encode(string.Join(", ", tenant.Services))).Append("</td><td>")
                .Append(state).Append("</td>");
            foreach (var verifier in verifiers)
            {
                var verdict = tenant.Check?.Verdicts.FirstOrDefault(v => v.Verifier == verifier);
                if (verdict is null)
                {
                    html.Append("<td class=\"NotChecked\">not checked</td>");
                    continue;
                }

                var title = verdict.Reason + (verdict.Fix is null ? string.Empty : " Fix: " + verdict.Fix);
                html.Append("<td class=\"").Append(verdict.Verdict).Append("\" data-verifier=\"").Append(verifier).Append("\" title=\"").Append(s_html.Encode(title)).Append("\">")
                    .Append(verdict.Verdict).Append("</td>");
            }

            html.Append("</tr>\n");
            if (tenant.Check is { } check && check.Overall != CheckVerdict.Pass)
            {
                html.Append("<tr class=\"findings\"><td colspan=\"").Append(4 + verifiers.Length).Append("\"><ul>");
                foreach (var finding in check.Findings.Where(f => f.Verdict is CheckVerdict.Fail or CheckVerdict.Warn))
                {
                    html.Append("<li class=\"").Append(finding.Verdict).Append("\">").Append(s_html.Encode($"[{finding.Service} {finding.Area}] {finding.Message}"));
                    if (finding.Fix is { } fix)
                    {
                        html.Append(" <em>Fix: ").Append(s_html.Encode(fix)).Append("</em>");
                    }

                    html.Append("</li>");
                }

                html.Append("</ul></td></tr>\n");
            }
        }

        html.Append("</tbody></table>\n");
    }

    private static void RenderSets(StringBuilder html, StatusReport report)
    {
        html.Append("<h2>Certificate sets</h2><table id=\"sets\"><thead><tr><th>Set</th><th>Tenants</th><th>Published (newest first)</th></tr></thead><tbody>\n");
        foreach (var set in report.Sets)
        {
            html.Append("<tr data-set=\"").Append(s_html.Encode(set.Name)).Append("\"><td>").Append(s_html.Encode(set.Name));
            if (set.Description is { } description)
            {
                html.Append("<br><small>").Append(s_html.Encode(description)).Append("</small>");
            }

            html.Append(CultureInfo.InvariantCulture, $"</td><td>{set.Tenants}</td><td>");
            foreach (var certificate in set.Published)
            {
                html.Append("<code>").Append(s_html.Encode(certificate.Sha256)).Append("</code> ").Append(s_html.Encode(certificate.Subject))
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
            html.Append("<tr data-set=\"").Append(s_html.Encode(status.Set)).Append("\"><td>").Append(s_html.Encode(status.Set)).Append("</td><td class=\"").Append(status.Phase).Append("\">").Append(status.Phase);
            if (status.Note is { } note)
            {
                html.Append("<br><small>").Append(s_html.Encode(note)).Append("</small>");
            }

            html.Append("</td><td>").Append(Certificates(status.Current)).Append("</td><td>").Append(status.Next is { } next ? Certificates([next]) : "-")
                .Append("</td><td class=\"safe-at\">").Append(status.SafeAt is { } safe ? Time(safe) : "-").Append("</td><td>");
            foreach (var retiring in status.Retiring)
            {
                html.Append("<code>").Append(s_html.Encode(retiring.Sha256)).Append("</code> until ").Append(retiring.RetireAt is { } at ? Time(at) : "-").Append("<br>");
            }

            html.Append("</td><td>");
            if (status.LastSwitch is { } last)
            {
                html.Append(Time(last.At)).Append(last.Succeeded ? " ok: " : " FAILED: ").Append(s_html.Encode(last.Message));
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

        html.Append("<table id=\"failure-reports\"><thead><tr><th>Domain</th><th>Reports</th><th>Latest</th><th>Recent</th></tr></thead><tbody>\n");
        foreach (var summary in report.FailureReports)
        {
            html.Append("<tr data-domain=\"").Append(s_html.Encode(summary.Domain)).Append("\"><td>").Append(s_html.Encode(summary.Domain))
                .Append(CultureInfo.InvariantCulture, $"</td><td>{summary.Count}</td><td>{Time(summary.Latest)}</td><td><ul>");
            foreach (var item in summary.Recent)
            {
                html.Append("<li>").Append(s_html.Encode($"{item.Service} {item.Outcome} from {item.Reporter ?? "anonymous"}: {item.Reason}")).Append("</li>");
            }

            html.Append("</ul></td></tr>\n");
        }

        html.Append("</tbody></table>\n");
    }

    private static string Certificates(IEnumerable<RotationCertificateInfo> certificates) =>
        string.Join("<br>", certificates.Select(c => "<code>" + s_html.Encode(c.Sha256) + "</code> " + s_html.Encode(c.Subject) + " expires " + Time(c.NotAfter)));

    private static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

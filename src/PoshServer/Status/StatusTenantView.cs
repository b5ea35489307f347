using System.Globalization;
using System.Text;

namespace PoshServer.Status;

/// <summary>One tenant's view (<c>?tenant=</c>): its facts, each verifier's verdict with the reason and fix, every finding, its failure reports.</summary>
internal static class StatusTenantView
{
    /// <summary>Writes the view; false when no tenant is called <paramref name="wanted"/> (A- or U-label, ignoring case).</summary>
    public static bool Render(StringBuilder html, StatusReport report, string wanted)
    {
        var ascii = StatusDomains.Ascii(wanted.TrimEnd('.'));
        var tenant = report.Tenants.FirstOrDefault(t =>
            string.Equals(t.Domain, wanted, StringComparison.OrdinalIgnoreCase)
            || string.Equals(t.Domain, ascii, StringComparison.OrdinalIgnoreCase)
            || string.Equals(t.UnicodeDomain, wanted, StringComparison.OrdinalIgnoreCase));
        html.Append("<p><a id=\"all-tenants\" href=\"?\">All tenants</a></p>\n");
        if (tenant is null)
        {
            html.Append("<p id=\"tenant-not-found\" class=\"Fail\">No tenant ").Append(StatusPage.Encode(wanted)).Append(".</p>\n");
            return false;
        }

        html.Append("<section id=\"tenant\" data-domain=\"").Append(StatusPage.Encode(tenant.Domain)).Append("\" data-state=\"").Append(tenant.State).Append("\"><h2>");
        StatusPage.Domain(html, tenant, link: false);
        html.Append("</h2>\n<table id=\"tenant-facts\"><tbody>");
        Fact(html, "state", "State", $"<span class=\"{tenant.State}\">{tenant.State}</span>");
        Fact(html, "set", "Certificate set", StatusPage.Encode(tenant.CertificateSet));
        Fact(html, "services", "Services", StatusPage.Encode(string.Join(", ", tenant.Services)));
        Fact(html, "published", "Published certificates", tenant.PublishedCertificates.ToString(CultureInfo.InvariantCulture));
        Fact(html, "checked-at", "Checked", tenant.Check is { } check ? StatusPage.Time(check.CheckedAt) : "not yet");
        Fact(html, "changed-at", "Changed", tenant.ChangedAt is { } changed ? StatusPage.Time(changed) : "not since start-up");
        html.Append("</tbody></table>\n");

        if (tenant.State == StatusTenantState.Stale)
        {
            html.Append("<p id=\"stale\" class=\"Stale\">The tenant changed after this check; the verdicts below describe it as it was, until the next round checks it again.</p>\n");
        }
        else if (tenant.State == StatusTenantState.Disabled)
        {
            html.Append("<p id=\"stale\" class=\"Disabled\">The tenant is disabled: its documents answer 404 and it is not checked; the verdicts below are from before.</p>\n");
        }

        if (tenant.Check is { } result)
        {
            html.Append("<h3>Verdicts</h3><table id=\"verdicts\"><thead><tr><th>Verifier</th><th>Verdict</th><th>Reason</th><th>Fix</th></tr></thead><tbody>\n");
            foreach (var verdict in result.Verdicts)
            {
                html.Append("<tr data-verifier=\"").Append(verdict.Verifier).Append("\"><td>").Append(verdict.Verifier).Append("</td><td class=\"").Append(verdict.Verdict).Append("\">")
                    .Append(verdict.Verdict).Append("</td><td>").Append(StatusPage.Encode(verdict.Reason)).Append("</td><td>").Append(StatusPage.Encode(verdict.Fix ?? string.Empty)).Append("</td></tr>\n");
            }

            html.Append("</tbody></table>\n<h3>Findings</h3><ul id=\"findings\">");
            foreach (var finding in result.Findings)
            {
                html.Append("<li class=\"").Append(finding.Verdict).Append("\" data-verdict=\"").Append(finding.Verdict).Append("\" data-area=\"").Append(finding.Area)
                    .Append("\" data-service=\"").Append(StatusPage.Encode(finding.Service)).Append("\">")
                    .Append(StatusPage.Encode($"[{finding.Service} {finding.Area}] {finding.Verdict}: {finding.Message}"));
                if (finding.Fix is { } fix)
                {
                    html.Append(" <em>Fix: ").Append(StatusPage.Encode(fix)).Append("</em>");
                }

                html.Append("</li>");
            }

            html.Append("</ul>\n");
        }

        var reports = report.FailureReports.FirstOrDefault(r => string.Equals(r.Domain, tenant.Domain, StringComparison.OrdinalIgnoreCase));
        html.Append("<h3>Failure reports</h3>");
        if (reports is null)
        {
            html.Append("<p id=\"tenant-reports\">No failure reports in the window.</p>\n");
        }
        else
        {
            html.Append(CultureInfo.InvariantCulture, $"<div id=\"tenant-reports\" data-count=\"{reports.Count}\">{reports.Count} reports, latest {StatusPage.Time(reports.Latest)}");
            StatusPage.Reports(html, reports);
            html.Append("</div>\n");
        }

        html.Append("</section>\n");
        return true;
    }

    private static void Fact(StringBuilder html, string key, string label, string encodedValue) =>
        html.Append("<tr data-fact=\"").Append(key).Append("\"><th>").Append(label).Append("</th><td>").Append(encodedValue).Append("</td></tr>");
}

using System.Globalization;
using System.Text;
using PoshServer.TenantChecks;

namespace PoshServer.Status;

/// <summary>
/// One page of the tenants table: those that need attention first (<see cref="StatusTenantState"/> order, then by
/// domain), filtered by the search form, one row each with its verdicts; the findings are in each tenant's view.
/// </summary>
internal static class StatusTenantsTable
{
    public static void Render(StringBuilder html, StatusReport report, StatusPageQuery query)
    {
        var verifiers = Enum.GetValues<KnownVerifier>();
        var matching = report.Tenants.Where(query.Matches).OrderBy(t => t.State).ThenBy(t => t.Domain, StringComparer.Ordinal).ToList();
        var pages = Math.Max(1, (matching.Count + query.PageSize - 1) / query.PageSize);
        var page = Math.Min(query.Page, pages);
        var rows = matching.Skip((page - 1) * query.PageSize).Take(query.PageSize).ToList();

        html.Append("<h2 id=\"tenants-heading\">Tenants</h2>\n");
        html.Append("<form id=\"search\" method=\"get\" action=\"\"><label>Domain <input type=\"search\" name=\"q\" value=\"").Append(StatusPage.Encode(query.Search ?? string.Empty))
            .Append("\" placeholder=\"part of a domain (A- or U-label)\"></label> <label>State <select name=\"state\"><option value=\"\">any</option>");
        foreach (var state in Enum.GetValues<StatusTenantState>())
        {
            html.Append("<option").Append(query.State == state ? " selected" : string.Empty).Append('>').Append(state).Append("</option>");
        }

        html.Append("</select></label>");
        if (query.PageSize != StatusPageQuery.DefaultPageSize)
        {
            html.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"size\" value=\"{query.PageSize}\">");
        }

        html.Append(" <button type=\"submit\">Show</button></form>\n");
        html.Append(CultureInfo.InvariantCulture, $"<p id=\"matching\" data-count=\"{matching.Count}\">{matching.Count} of {report.Tenants.Count} tenants");
        if (query.Search is { } search)
        {
            html.Append(" matching “").Append(StatusPage.Encode(search)).Append('”');
        }

        if (query.State is { } only)
        {
            html.Append(" in state ").Append(only);
        }

        html.Append(CultureInfo.InvariantCulture, $"; rows {(rows.Count == 0 ? 0 : ((page - 1) * query.PageSize) + 1)}–{((page - 1) * query.PageSize) + rows.Count}.</p>\n");
        Paging(html, query, page, pages);

        html.Append("<table id=\"tenants\"><thead><tr><th>Domain</th><th>Set</th><th>Services</th><th>State</th>");
        foreach (var verifier in verifiers)
        {
            html.Append("<th>").Append(verifier).Append("</th>");
        }

        html.Append("</tr></thead><tbody>\n");
        foreach (var tenant in rows)
        {
            html.Append("<tr data-domain=\"").Append(StatusPage.Encode(tenant.Domain)).Append("\" data-state=\"").Append(tenant.State).Append("\"><td>");
            StatusPage.Domain(html, tenant, link: true);
            html.Append("</td><td>").Append(StatusPage.Encode(tenant.CertificateSet)).Append("</td><td>").Append(StatusPage.Encode(string.Join(", ", tenant.Services)))
                .Append("</td><td class=\"").Append(tenant.State).Append("\">").Append(tenant.State);
            if (!tenant.Disabled && tenant.PublishedCertificates == 0)
            {
                html.Append(" (nothing to publish)");
            }

            html.Append("</td>");
            var stale = tenant.State is StatusTenantState.Stale or StatusTenantState.Disabled;
            foreach (var verifier in verifiers)
            {
                var verdict = tenant.Check?.Verdicts.FirstOrDefault(v => v.Verifier == verifier);
                if (verdict is null)
                {
                    html.Append("<td class=\"NotChecked\">-</td>");
                    continue;
                }

                html.Append("<td class=\"").Append(stale ? "stale" : verdict.Verdict.ToString()).Append("\" data-verifier=\"").Append(verifier).Append("\">").Append(verdict.Verdict).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody></table>\n");
        Paging(html, query, page, pages);
    }

    private static void Paging(StringBuilder html, StatusPageQuery query, int page, int pages)
    {
        html.Append(CultureInfo.InvariantCulture, $"<nav class=\"paging\" data-page=\"{page}\" data-pages=\"{pages}\">");
        Link(html, query, 1, page > 1, "first", "« first");
        Link(html, query, page - 1, page > 1, "prev", "‹ previous");
        html.Append(CultureInfo.InvariantCulture, $" page {page} of {pages} ");
        Link(html, query, page + 1, page < pages, "next", "next ›");
        Link(html, query, pages, page < pages, "last", "last »");
        html.Append("</nav>\n");
    }

    private static void Link(StringBuilder html, StatusPageQuery query, int page, bool enabled, string rel, string text)
    {
        if (!enabled)
        {
            html.Append("<span class=\"NotChecked\">").Append(StatusPage.Encode(text)).Append("</span> ");
            return;
        }

        html.Append("<a rel=\"").Append(rel).Append("\" href=\"").Append(StatusPage.Encode(query.Link(page: page))).Append("\">").Append(StatusPage.Encode(text)).Append("</a> ");
    }
}

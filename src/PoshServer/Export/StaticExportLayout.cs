using System.Text;
using PoshClient.Documents;
using PoshServer.Posh;
using PoshServer.Tenants;

namespace PoshServer.Export;

/// <summary>
/// Turns a tenant snapshot into the files a static web server needs to answer exactly as <see cref="PoshEndpoints"/>
/// does. The only reader of the snapshot in the export: the bodies are the snapshot's precomputed bytes, so the export
/// can never differ from what the server serves, and what the server answers with 404 (a disabled or removed tenant,
/// a service the tenant does not offer) simply has no file.
/// </summary>
internal sealed class StaticExportLayout(PoshHostNames hostNames, TenantSetupGuide setupGuide)
{
    public const string JsonContentType = "application/json";
    public const string TextContentType = "text/plain; charset=utf-8";

    private static readonly PoshService[] s_services = [PoshService.XmppClient, PoshService.XmppServer];

    /// <summary>Every file, ordered by host and path.</summary>
    public IReadOnlyList<ExportFile> Build(TenantSnapshot snapshot)
    {
        var files = new List<ExportFile>();
        var hosterNames = hostNames.All.Where(IsSafeHostDirectory).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        foreach (var host in hosterNames)
        {
            // The hoster's own names: the default set's document on the well-known paths (RFC 7711 §3), and the
            // per-tenant URLs that reference files point at (RFC 7711 §3.2).
            if (snapshot.DefaultSet?.Document is { } hosterDocument)
            {
                foreach (var service in s_services)
                {
                    files.Add(Json(host, WellKnownPath(service), hosterDocument));
                }
            }

            foreach (var entry in snapshot.Tenants.Values)
            {
                AddTenantDocuments(files, host, entry);
            }
        }

        foreach (var entry in snapshot.Tenants.Values)
        {
            var domain = entry.Tenant.Domain;
            // A hoster name is answered as the hoster even if a tenant has the same domain (PoshEndpoints checks it first).
            if (hostNames.Contains(domain) || !IsSafeHostDirectory(domain))
            {
                continue;
            }

            foreach (var service in s_services)
            {
                if (entry.DocumentFor(service) is { } document)
                {
                    files.Add(Json(domain, WellKnownPath(service), document));
                }
            }
        }

        files.Sort(static (a, b) =>
        {
            var byHost = string.CompareOrdinal(a.Host, b.Host);
            return byHost != 0 ? byHost : string.CompareOrdinal(a.UrlPath, b.UrlPath);
        });
        return files;
    }

    /// <summary>
    /// Host names become directory names that nginx finds through <c>$host</c>: only plain DNS names qualify, never
    /// anything that could leave the export directory. Tenant domains are normalised A-labels already.
    /// </summary>
    public static bool IsSafeHostDirectory(string host) =>
        host.Length is > 0 and <= 253
        && !host.StartsWith('.') && !host.EndsWith('.') && !host.Contains("..", StringComparison.Ordinal)
        && host.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.');

    private static string WellKnownPath(PoshService service) => $"/.well-known/posh/{service.ToName()}.json";

    private void AddTenantDocuments(List<ExportFile> files, string host, TenantEntry entry)
    {
        var domain = entry.Tenant.Domain;
        if (entry.Tenant.Disabled || !IsSafeHostDirectory(domain))
        {
            return;
        }

        foreach (var service in s_services)
        {
            if (entry.DocumentFor(service) is { } document)
            {
                files.Add(Json(host, $"/posh/{domain}/{service.ToName()}.json", document));
            }

            if (entry.ReferenceFor(service) is { } reference)
            {
                files.Add(Json(host, $"/posh/{domain}/reference/{service.ToName()}.json", reference) with
                {
                    ContentDisposition = $"attachment; filename=\"{service.ToName()}.json\"",
                });
            }
        }

        // The guide is rendered per request by the server; its text depends only on the snapshot entry and options.
        var guide = new PoshResponse(Encoding.UTF8.GetBytes(setupGuide.Render(entry)));
        files.Add(new ExportFile { Host = host, UrlPath = $"/posh/{domain}/setup", Body = guide.Body, ContentType = TextContentType, ETag = guide.ETag });
    }

    private static ExportFile Json(string host, string path, PoshResponse response) =>
        new() { Host = host, UrlPath = path, Body = response.Body, ContentType = JsonContentType, ETag = response.ETag };
}

using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using PoshClient.Documents;
using PoshServer.Tenants;

namespace PoshServer.Posh;

/// <summary>
/// The instructions a tenant follows to delegate POSH to us: the reference files to publish, or ready-to-paste
/// web server snippets for proxying or redirecting the well-known path, with which deployed verifiers accept which mode.
/// </summary>
internal sealed class TenantSetupGuide(IOptions<PoshOptions> options)
{
    public string Render(TenantEntry entry)
    {
        var tenant = entry.Tenant;
        var origin = options.Value.PublicBaseUrl!;
        var hoster = origin.Host;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"POSH set-up for {tenant.Domain}")
            .AppendLine(new string('=', 18 + tenant.Domain.Length))
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Peers verify {tenant.Domain} by fetching https://{tenant.Domain}/.well-known/posh/<service>.json")
            .AppendLine(CultureInfo.InvariantCulture, $"(RFC 7711, RFC 7712). That URL must be served over HTTPS with a CA-issued certificate for {tenant.Domain}")
            .AppendLine("(not www., not plain http). Choose ONE of the three options below.")
            .AppendLine()
            .AppendLine("Option 1 (recommended): publish reference files")
            .AppendLine("-----------------------------------------------")
            .AppendLine("Save each file below, byte for byte, in your web root at the path shown:")
            .AppendLine();
        foreach (var service in tenant.Services)
        {
            var reference = entry.ReferenceFor(service);
            if (reference is null)
            {
                continue;
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"  /.well-known/posh/{service.ToName()}.json")
                .AppendLine(CultureInfo.InvariantCulture, $"    {Encoding.UTF8.GetString(reference.Body)}")
                .AppendLine(CultureInfo.InvariantCulture, $"    (download: {origin.GetLeftPart(UriPartial.Authority)}/posh/{tenant.Domain}/reference/{service.ToName()}.json)")
                .AppendLine();
        }

        text.AppendLine("Serve them with status 200 and, ideally, 'Content-Type: application/json' and 'Cache-Control: max-age=60'.")
            .AppendLine()
            .AppendLine("Option 2: reverse-proxy the path to us (works with every verifier)")
            .AppendLine("-------------------------------------------------------------------")
            .AppendLine("nginx:")
            .AppendLine("    location ^~ /.well-known/posh/ {")
            .AppendLine(CultureInfo.InvariantCulture, $"        proxy_pass https://{hoster}/posh/{tenant.Domain}/;")
            .AppendLine(CultureInfo.InvariantCulture, $"        proxy_set_header Host {hoster};")
            .AppendLine("        proxy_ssl_server_name on;")
            .AppendLine("        proxy_ssl_verify on;")
            .AppendLine("        proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;")
            .AppendLine("    }")
            .AppendLine("Apache (mod_proxy, mod_ssl):")
            .AppendLine("    SSLProxyEngine on")
            .AppendLine(CultureInfo.InvariantCulture, $"    ProxyPass        \"/.well-known/posh/\" \"https://{hoster}/posh/{tenant.Domain}/\"")
            .AppendLine(CultureInfo.InvariantCulture, $"    ProxyPassReverse \"/.well-known/posh/\" \"https://{hoster}/posh/{tenant.Domain}/\"")
            .AppendLine("Caddy:")
            .AppendLine("    handle_path /.well-known/posh/* {")
            .AppendLine(CultureInfo.InvariantCulture, $"        rewrite * /posh/{tenant.Domain}{{uri}}")
            .AppendLine(CultureInfo.InvariantCulture, $"        reverse_proxy https://{hoster} {{")
            .AppendLine("            header_up Host {upstream_hostport}")
            .AppendLine("        }")
            .AppendLine("    }")
            .AppendLine()
            .AppendLine("Option 3: redirect (302/307 only; never 301/308, never to http)")
            .AppendLine("----------------------------------------------------------------")
            .AppendLine("nginx:");
        foreach (var service in tenant.Services)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"    location = /.well-known/posh/{service.ToName()}.json {{ add_header Cache-Control \"max-age=60\" always; return 307 {Target(tenant, service)}; }}");
        }

        text.AppendLine("Apache (mod_alias):");
        foreach (var service in tenant.Services)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"    Redirect 307 /.well-known/posh/{service.ToName()}.json {Target(tenant, service)}");
        }

        text.AppendLine("Caddy:");
        foreach (var service in tenant.Services)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"    redir /.well-known/posh/{service.ToName()}.json {Target(tenant, service)} 307");
        }

        text.AppendLine()
            .AppendLine("Which verifiers accept which option")
            .AppendLine("-----------------------------------")
            .AppendLine("                                 reference file   reverse proxy   redirect")
            .AppendLine("  PoshClient (.NET)              yes              yes             yes")
            .AppendLine("  Conversations (c2s)            yes              yes             yes")
            .AppendLine("  xmpp-proxy                     yes              yes             yes")
            .AppendLine("  Prosody mod_s2s_auth_posh      no               yes             no")
            .AppendLine("Prosody's module follows neither references nor redirects: choose option 2 if your")
            .AppendLine("peers run Prosody with POSH. Conversations uses POSH only after normal certificate")
            .AppendLine("validation fails, and reads only sha-256 fingerprints (we always publish them).")
            .AppendLine()
            .AppendLine("DNS")
            .AppendLine("---")
            .AppendLine(CultureInfo.InvariantCulture, $"Point _xmpp-client._tcp.{tenant.Domain} and _xmpp-server._tcp.{tenant.Domain} (and the")
            .AppendLine("_xmpps-* records for direct TLS) at our XMPP hosts. When you change provider, switch the SRV")
            .AppendLine("records and this POSH delegation together.");
        return text.ToString();
    }

    private Uri Target(Tenant tenant, PoshService service) => options.Value.TenantDocumentUrl(tenant.Domain, service.ToName());
}

using System.CommandLine;
using System.Text;
using PoshClient.Documents;
using PoshClient.Names;
using PoshServer.Posh;
using PoshServer.Tenants;

namespace PoshServer.Cli;

/// <summary><c>reference &lt;tenant&gt; [--service]</c>: prints the reference document the tenant puts in its web root.</summary>
internal static class ReferenceCommand
{
    public static Command Create()
    {
        var tenant = new Argument<string>("tenant") { Description = "The tenant's domain." };
        var service = new Option<string>("--service") { Description = "xmpp-client or xmpp-server (default: xmpp-server).", DefaultValueFactory = _ => PoshServiceNames.XmppServer };
        service.AcceptOnlyFromAmong(PoshServiceNames.XmppClient, PoshServiceNames.XmppServer);
        var guide = new Option<bool>("--guide") { Description = "Print the whole set-up guide (files, nginx/Apache/Caddy snippets, verifier compatibility)." };
        var command = new Command("reference", "Print the reference file a tenant publishes at https://<tenant>/.well-known/posh/<service>.json.") { tenant, service, guide };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(CliHost.WithTenants(async (parseResult, app, result, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var name = parseResult.GetValue(tenant)!;
            if (!DomainName.TryParseQualified(name, out var tenantName, out var problem))
            {
                await error.WriteLineAsync(problem.Message + ".");
                return ExitCodes.NotFound;
            }

            var domain = tenantName.Value;
            if (!result.Snapshot.TryGetTenant(domain, out var entry))
            {
                await error.WriteLineAsync($"No tenant '{domain}' in {app.Services.GetRequiredService<TenantCatalogBuilder>().DirectoryForLogs}.");
                return ExitCodes.NotFound;
            }

            if (parseResult.GetValue(guide))
            {
                await output.WriteAsync(app.Services.GetRequiredService<TenantSetupGuide>().Render(entry));
                return ExitCodes.Success;
            }

            if (!PoshServiceNames.TryParse(parseResult.GetValue(service), out var parsed))
            {
                return ExitCodes.NotFound;
            }

            var reference = entry.ReferenceFor(parsed.Value);
            if (reference is null)
            {
                await error.WriteLineAsync(entry.Tenant.Disabled ? $"Tenant '{domain}' is disabled." : $"Tenant '{domain}' does not offer {parsed.Value.ToName()}.");
                return ExitCodes.NotFound;
            }

            await output.WriteLineAsync(Encoding.UTF8.GetString(reference.Body));
            return ExitCodes.Success;
        }));
        return command;
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace PoshServer.Cli;

/// <summary><c>tenants validate [dir]</c> and <c>tenants list</c>.</summary>
internal static class TenantsCommand
{
    public static Command Create()
    {
        var tenants = new Command("tenants", "Check and list tenant files.");
        tenants.Subcommands.Add(CreateValidate());
        tenants.Subcommands.Add(CreateList());
        return tenants;
    }

    private static Command CreateValidate()
    {
        var directory = new Argument<string?>("dir") { Description = "Tenants directory (default: Tenants:Directory, i.e. ./tenants).", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var command = new Command("validate", "Validate every tenant file; exit code 0 when valid, 1 with every error otherwise.") { directory, json };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(CliHost.WithTenants(async (parseResult, app, result, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(ValidationReport.From(result), CliJsonContext.Default.ValidationReport));
            }
            else
            {
                foreach (var diagnostic in result.Diagnostics)
                {
                    await output.WriteLineAsync(diagnostic.ToString());
                }

                var errors = result.Errors.Count();
                var warnings = result.Diagnostics.Length - errors;
                await output.WriteLineAsync(errors == 0
                    ? string.Create(CultureInfo.InvariantCulture, $"OK: {result.Snapshot.Tenants.Count} tenants, {result.Snapshot.Sets.Count} certificate sets, {warnings} warning(s).")
                    : string.Create(CultureInfo.InvariantCulture, $"INVALID: {errors} error(s), {warnings} warning(s)."));
            }

            return result.HasErrors ? ExitCodes.InvalidTenants : ExitCodes.Success;
        }, parseResult => CommandLineUsage.ArgumentValue(parseResult.GetValue(directory))));
        return command;
    }

    private static Command CreateList()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("list", "List tenants with their set, services and published certificates.") { json };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(CliHost.WithTenants(async (parseResult, app, result, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var items = result.Snapshot.Tenants.Values.OrderBy(t => t.Tenant.Domain, StringComparer.Ordinal).Select(TenantListItem.From).ToList();
            if (parseResult.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(items, CliJsonContext.Default.ListTenantListItem));
            }
            else
            {
                await output.WriteLineAsync($"{"DOMAIN",-32} {"SET",-12} {"SERVICES",-25} {"EXPIRES",8} {"CERTS",5} STATE");
                foreach (var item in items)
                {
                    var state = item.Disabled ? "disabled" : item.Certificates.Count == 0 ? "nothing to publish" : "serving";
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{item.Domain,-32} {item.CertificateSet,-12} {string.Join(",", item.Services),-25} {item.Expires,8} {item.Certificates.Count,5} {state}"));
                }
            }

            foreach (var error in result.Errors)
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync(error.ToString());
            }

            return result.HasErrors ? ExitCodes.InvalidTenants : ExitCodes.Success;
        }));
        return command;
    }
}

using System.CommandLine;
using System.Text.Json;
using PoshClient.Names;
using PoshServer.Cli;
using PoshServer.Tenants;

namespace PoshServer.TenantChecks;

/// <summary><c>tenants check [domain] [--json]</c>: checks tenants' set-up as their peers see it; exit code 4 (CheckFailed) when any fails.</summary>
internal static class TenantsCheckCommand
{
    public static Command Create()
    {
        var domain = new Argument<string?>("domain") { Description = "Check only this tenant (default: all enabled tenants).", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var dnsServers = new Option<string[]>("--dns-server") { Description = "DNS server (ip or ip:port) for SRV, addresses and the tenants' web servers; repeatable. Default: PoshClient:DnsServers, else /etc/resolv.conf.", AllowMultipleArgumentsPerToken = false };
        var trust = new Option<string?>("--trust") { Description = "PEM file of root certificates to trust instead of the system store (PoshClient:TrustedRoots)." };
        var command = new Command("check", "Check SRV records, the tenant's well-known document and the live XMPP certificate; give a verdict per known verifier.") { domain, json, dnsServers, trust };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(CliHost.WithTenants(async (parseResult, app, loaded, cancellationToken) =>
        {
            var snapshot = loaded.Snapshot;
            var output = parseResult.InvocationConfiguration.Output;
            var only = CommandLineUsage.ArgumentValue(parseResult.GetValue(domain));
            var tenants = SelectTenants(snapshot, only, out var problem);
            if (problem is not null)
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync(problem);
                return ExitCodes.NotFound;
            }

            var checker = app.Services.GetRequiredService<TenantChecker>();
            var results = new List<TenantCheckResult>();
            foreach (var tenant in tenants)
            {
                results.Add(await checker.CheckAsync(tenant, cancellationToken));
            }

            if (parseResult.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(results, TenantChecksJsonContext.Default.ListTenantCheckResult));
            }
            else
            {
                foreach (var result in results)
                {
                    await output.WriteLineAsync(Describe(result));
                }
            }

            return results.Any(r => r.Overall == CheckVerdict.Fail) ? ExitCodes.CheckFailed : ExitCodes.Success;
        }, configuration: parseResult => CliLookupKeys.From(parseResult.GetValue(dnsServers), parseResult.GetValue(trust))));
        return command;
    }

    /// <summary>
    /// The enabled tenants to check, in domain order: all of them, or the one <paramref name="only"/> names. Tenants
    /// are keyed by A-labels, and the operator may type the U-label, any case or a trailing dot (issue 14); otherwise
    /// <paramref name="problem"/> says why nothing is selected.
    /// </summary>
    internal static List<TenantEntry> SelectTenants(TenantSnapshot snapshot, string? only, out string? problem)
    {
        problem = null;
        var enabled = snapshot.Tenants.Values.Where(t => !t.Tenant.Disabled).OrderBy(t => t.Tenant.Domain, StringComparer.Ordinal).ToList();
        if (only is null)
        {
            return enabled;
        }

        if (!DomainName.TryParseQualified(only, out var name, out var error))
        {
            problem = error.Message + ".";
            return [];
        }

        var selected = enabled.Where(t => string.Equals(t.Tenant.Domain, name.Value, StringComparison.Ordinal)).ToList();
        problem = selected.Count == 0 ? $"'{only}' is not an enabled tenant." : null;
        return selected;
    }

    public static string Describe(TenantCheckResult result)
    {
        var lines = new List<string> { $"{result.Domain}: {result.Overall}" };
        lines.AddRange(result.Verdicts.Select(v => $"  {v.Verifier,-14} {v.Verdict,-13} {v.Reason}" + (v.Fix is null ? string.Empty : $"\n  {string.Empty,-14} fix: {v.Fix}")));
        lines.AddRange(result.Findings.Select(f => $"    [{f.Service} {f.Area}] {f.Verdict}: {f.Message}"));
        return string.Join('\n', lines);
    }
}

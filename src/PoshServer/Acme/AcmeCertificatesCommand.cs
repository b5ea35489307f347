using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using PoshServer.Cli;
using PoshServer.Tenants;

namespace PoshServer.Acme;

/// <summary><c>certificates list</c>: each stored name's state, expiry and next renewal, read from storage.</summary>
internal static class AcmeCertificatesCommand
{
    /// <summary>Builds the <c>list</c> command; the host attaches it under its <c>certificates</c> command.</summary>
    public static Command CreateListCommand()
    {
        var json = new Option<bool>("--json") { Description = "Write JSON instead of a table." };
        var storage = new Option<string?>("--storage") { Description = "The ACME storage directory (default: Acme:StoragePath, i.e. data/acme)." };
        var command = new Command("list", "List the certificates PoshServer manages via ACME: state, expiry and next renewal.");
        command.Options.Add(json);
        command.Options.Add(storage);
        // Configuration keys (--Acme:StoragePath=…, --Cluster:…) as for serve: the list reads the storage serve uses.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(CliHost.WithTenants(
            async (parseResult, app, loaded, cancellationToken) =>
            {
                var output = parseResult.InvocationConfiguration.Output;
                IReadOnlyList<AcmeNameState> stored;
                try
                {
                    stored = await app.Services.GetRequiredService<AcmeStorage>().LoadAllStatesAsync(cancellationToken);
                }
                catch (PoshServer.Cluster.ClusterStoreException ex)
                {
                    await parseResult.InvocationConfiguration.Error.WriteLineAsync(ex.Message);
                    return ExitCodes.InvalidConfiguration;
                }

                var states = WithoutRemovedNames(stored, app.Services.GetRequiredService<IOptionsMonitor<AcmeOptions>>(), loaded.Snapshot);
                if (parseResult.GetValue(json))
                {
                    await output.WriteLineAsync(JsonSerializer.Serialize(states, AcmeJsonContext.Default.IReadOnlyListAcmeNameState));
                }
                else
                {
                    Write(output, states);
                }

                return ExitCodes.Success;
            },
            configuration: parseResult => parseResult.GetValue(storage) is { } path ? [$"--{AcmeOptions.SectionName}:{nameof(AcmeOptions.StoragePath)}={path}"] : []));
        return command;
    }

    /// <summary>
    /// A stored name that neither Acme:HostNames nor an enabled ACME tenant asks for any more is never renewed: it is
    /// shown as Removed with no next renewal, rather than as Valid with a renewal that will not happen (issue 14).
    /// </summary>
    internal static IReadOnlyList<AcmeNameState> WithoutRemovedNames(IReadOnlyList<AcmeNameState> states, IOptionsMonitor<AcmeOptions> options, TenantSnapshot snapshot)
    {
        using var source = new AcmeNameSource(options, new AcmeTenantNames(
            () => snapshot.AcmeDomains,
            () => new CancellationChangeToken(CancellationToken.None)));
        var configured = source.GetNames();
        return [.. states.Select(state => configured.Contains(state.HostName, StringComparer.OrdinalIgnoreCase)
            ? state
            : state with { Status = AcmeNameStatus.Removed, RenewAt = null, NextAttempt = null })];
    }

    internal static void Write(TextWriter output, IReadOnlyList<AcmeNameState> states)
    {
        if (states.Count == 0)
        {
            output.WriteLine("No certificates stored.");
            return;
        }

        var width = Math.Max(4, states.Max(s => s.HostName.Length));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"NAME".PadRight(width)}  {"STATE",-15}  {"NOT AFTER",-20}  {"NEXT ATTEMPT",-20}  FAILURES  LAST ERROR"));
        foreach (var state in states)
        {
            var next = state.Status == AcmeNameStatus.Valid ? state.RenewAt : state.NextAttempt;
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{state.HostName.PadRight(width)}  {state.Status,-15}  {Format(state.NotAfter),-20}  {Format(next),-20}  {state.FailureCount,8}  {state.LastError}"));
        }
    }

    private static string Format(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace PoshServer.Acme;

/// <summary><c>certificates list</c>: each stored name's state, expiry and next renewal, read from storage.</summary>
internal static class AcmeCertificatesCommand
{
    /// <summary>Builds the <c>list</c> command; the host attaches it under its <c>certificates</c> command.</summary>
    public static Command CreateListCommand(string defaultStoragePath = "data/acme")
    {
        var json = new Option<bool>("--json") { Description = "Write JSON instead of a table." };
        var storage = new Option<string>("--storage")
        {
            Description = "The ACME storage directory (Acme:StoragePath).",
            DefaultValueFactory = _ => defaultStoragePath,
        };
        var command = new Command("list", "List the certificates PoshServer manages via ACME: state, expiry and next renewal.");
        command.Options.Add(json);
        command.Options.Add(storage);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            using var files = new AcmeStorage(parseResult.GetValue(storage)!);
            var states = await files.LoadAllStatesAsync(cancellationToken);
            if (parseResult.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(states, AcmeJsonContext.Default.IReadOnlyListAcmeNameState));
            }
            else
            {
                Write(output, states);
            }

            return 0;
        });
        return command;
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

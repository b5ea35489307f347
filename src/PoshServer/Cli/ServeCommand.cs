using System.CommandLine;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace PoshServer.Cli;

internal static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "Run the server (the default). Configuration keys may follow, e.g. --Tenants:Directory=/etc/posh/tenants.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(RunAsync);
        return command;
    }

    public static async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var error = parseResult.InvocationConfiguration.Error;
        WebApplication app;
        try
        {
            app = PoshServerApp.Build(PoshServerApp.CreateBuilder([.. parseResult.UnmatchedTokens]));
        }
        catch (OptionsValidationException ex)
        {
            await CliHost.WriteInvalidConfigurationAsync(error, "PoshServer cannot start: invalid configuration.", ex);

            return ExitCodes.InvalidConfiguration;
        }

        await using (app)
        {
            // Options, tenants, certificates and listener addresses: every problem at once, one line each with its fix.
            var problems = await StartupCheck.RunAsync(app, probeListeners: true, cancellationToken);
            if (problems.Count > 0)
            {
                await error.WriteLineAsync($"PoshServer cannot start: {problems.Count} problem(s).");
                foreach (var problem in problems)
                {
                    await error.WriteLineAsync("  " + problem);
                }

                return StartupProblem.ExitCodeOf(problems);
            }

            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException ex) when (ex.InnerException is AddressInUseException)
            {
                // Taken between the probe and Kestrel's bind: Kestrel's message names the address.
                await error.WriteLineAsync($"PoshServer cannot start: {ex.Message} Fix: stop the process listening there, or choose another port.");
                return ExitCodes.BindFailed;
            }

            await app.WaitForShutdownAsync(cancellationToken);
        }

        return ExitCodes.Success;
    }
}

using System.CommandLine;

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
        IReadOnlyList<string> problems;
        try
        {
            app = PoshServerApp.Build(PoshServerApp.CreateBuilder([.. parseResult.UnmatchedTokens]));
            problems = PoshServerApp.LoadBeforeStart(app);
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            await CliHost.WriteInvalidConfigurationAsync(error, "PoshServer cannot start: invalid configuration.", ex);

            return ExitCodes.InvalidConfiguration;
        }

        if (problems.Count > 0)
        {
            // First load: refuse to start and print every problem, so one run fixes them all.
            await error.WriteLineAsync($"PoshServer cannot start: {problems.Count} problem(s).");
            foreach (var problem in problems)
            {
                await error.WriteLineAsync("  " + problem);
            }

            await app.DisposeAsync();
            return ExitCodes.InvalidTenants;
        }

        await app.RunAsync(cancellationToken);
        return ExitCodes.Success;
    }
}

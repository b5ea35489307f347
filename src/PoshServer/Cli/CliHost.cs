using System.CommandLine;
using System.CommandLine.Parsing;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using PoshServer.Tenants;

namespace PoshServer.Cli;

/// <summary>The server's services, configured exactly as <c>serve</c> would be, for commands that inspect rather than serve.</summary>
internal static class CliHost
{
    /// <summary>The body of a command that reads the tenants: runs after a successful load; the app is disposed after it.</summary>
    public delegate Task<int> TenantsAction(ParseResult parseResult, WebApplication app, CatalogLoadResult result, CancellationToken cancellationToken);

    /// <summary>
    /// The start-up every inspecting command shares: build the services as <c>serve</c> would, validate the options
    /// (exit <see cref="ExitCodes.InvalidConfiguration"/> with every failure printed), load the tenants directory
    /// (<paramref name="tenantsDirectory"/>, or <c>Tenants:Directory</c>), run <paramref name="action"/>, dispose.
    /// <paramref name="configuration"/> adds configuration keys from the command's own options (e.g. <c>--dns-server</c>).
    /// </summary>
    public static Func<ParseResult, CancellationToken, Task<int>> WithTenants(
        TenantsAction action, Func<ParseResult, string?>? tenantsDirectory = null, Func<ParseResult, IEnumerable<string>>? configuration = null) =>
        async (parseResult, cancellationToken) =>
        {
            var loaded = await LoadAsync(parseResult, tenantsDirectory?.Invoke(parseResult), configuration?.Invoke(parseResult));
            if (loaded is not { } value)
            {
                return ExitCodes.InvalidConfiguration;
            }

            await using var app = value.App;
            return await action(parseResult, app, value.Result, cancellationToken);
        };

    /// <summary>Prints every failed option, under <paramref name="heading"/>: one run shows everything to fix.</summary>
    public static async Task WriteInvalidConfigurationAsync(TextWriter error, string heading, OptionsValidationException exception)
    {
        await error.WriteLineAsync(heading);
        foreach (var failure in exception.Failures)
        {
            await error.WriteLineAsync("  " + failure);
        }
    }

    public static WebApplication Build(ParseResult parseResult, string? tenantsDirectory = null, IEnumerable<string>? configuration = null)
    {
        // Keys the parser handed to an optional argument (see CommandLineUsage.ArgumentValue) are configuration too.
        var taken = parseResult.Tokens.Where(t => t.Type == TokenType.Argument && CommandLineUsage.IsConfigurationKey(t.Value, out var valueFollows) && !valueFollows);
        string[] args = [.. taken.Select(t => t.Value), .. parseResult.UnmatchedTokens, .. configuration ?? []];
        if (tenantsDirectory is not null)
        {
            args = [.. args, $"--{TenantsOptions.Section}:{nameof(TenantsOptions.Directory)}={tenantsDirectory}"];
        }

        var builder = PoshServerApp.CreateBuilder(args);
        // A command's stdout is its result (JSON under --json, issue 14): every log line goes to stderr.
        builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        return builder.Build();
    }

    /// <summary>Loads the tenants directory; returns null after printing configuration errors.</summary>
    public static async Task<(WebApplication App, CatalogLoadResult Result)?> LoadAsync(ParseResult parseResult, string? tenantsDirectory = null, IEnumerable<string>? configuration = null)
    {
        var app = Build(parseResult, tenantsDirectory, configuration);
        var error = parseResult.InvocationConfiguration.Error;
        try
        {
            // Every option a command may reach, as serve checks them, so a bad value is one line here, not a stack trace later.
            var problems = new List<StartupProblem>();
            StartupCheck.ValidateOptions(app.Services, problems);
            if (problems.Count > 0)
            {
                await error.WriteLineAsync("Invalid configuration:");
                foreach (var problem in problems)
                {
                    await error.WriteLineAsync("  " + problem.Message);
                }

                await app.DisposeAsync();
                return null;
            }

            return (app, app.Services.GetRequiredService<TenantStore>().Validate());
        }
        catch (OptionsValidationException ex)
        {
            await WriteInvalidConfigurationAsync(error, "Invalid configuration:", ex);

            await app.DisposeAsync();
            return null;
        }
    }
}

using System.CommandLine;
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
    /// </summary>
    public static Func<ParseResult, CancellationToken, Task<int>> WithTenants(TenantsAction action, Func<ParseResult, string?>? tenantsDirectory = null) =>
        async (parseResult, cancellationToken) =>
        {
            var loaded = await LoadAsync(parseResult, tenantsDirectory?.Invoke(parseResult));
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

    public static WebApplication Build(ParseResult parseResult, string? tenantsDirectory = null)
    {
        string[] args = [.. parseResult.UnmatchedTokens];
        if (tenantsDirectory is not null)
        {
            args = [.. args, $"--{TenantsOptions.Section}:{nameof(TenantsOptions.Directory)}={tenantsDirectory}"];
        }

        return PoshServerApp.CreateBuilder(args).Build();
    }

    /// <summary>Loads the tenants directory; returns null after printing configuration errors.</summary>
    public static async Task<(WebApplication App, CatalogLoadResult Result)?> LoadAsync(ParseResult parseResult, string? tenantsDirectory = null)
    {
        var app = Build(parseResult, tenantsDirectory);
        try
        {
            return (app, app.Services.GetRequiredService<TenantStore>().Validate());
        }
        catch (OptionsValidationException ex)
        {
            await WriteInvalidConfigurationAsync(parseResult.InvocationConfiguration.Error, "Invalid configuration:", ex);

            await app.DisposeAsync();
            return null;
        }
    }
}

using System.CommandLine;
using Microsoft.Extensions.Options;
using PoshServer.Tenants;

namespace PoshServer.Cli;

/// <summary>The server's services, configured exactly as <c>serve</c> would be, for commands that inspect rather than serve.</summary>
internal static class CliHost
{
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
            var error = parseResult.InvocationConfiguration.Error;
            await error.WriteLineAsync("Invalid configuration:");
            foreach (var failure in ex.Failures)
            {
                await error.WriteLineAsync("  " + failure);
            }

            await app.DisposeAsync();
            return null;
        }
    }
}

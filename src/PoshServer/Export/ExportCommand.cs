using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Options;
using PoshServer.Cli;
using PoshServer.Tenants;

namespace PoshServer.Export;

/// <summary>
/// <c>export &lt;dir&gt; [--watch]</c>: writes every document and reference the server would answer, per host, plus the
/// matching nginx configuration, so a web fleet or CDN serves POSH with PoshServer as the control plane.
/// </summary>
internal static class ExportCommand
{
    public const int DefaultKeep = 3;

    public static Command Create()
    {
        var directory = new Argument<string>("dir") { Description = "Export directory: receives current (a symlink), versions/ and nginx/poshserver.conf." };
        var watch = new Option<bool>("--watch") { Description = "Keep running and export again after every tenant change (file watcher, SIGHUP, certificate expiry)." };
        var tenants = new Option<string?>("--tenants") { Description = "Tenants directory (default: Tenants:Directory, i.e. ./tenants)." };
        var keep = new Option<int>("--keep") { Description = "Versions kept, the current one included (at least 2).", DefaultValueFactory = _ => DefaultKeep };
        var nginxDirectory = new Option<string?>("--nginx-dir") { Description = "The export directory as the web servers see it, for the generated nginx configuration (default: dir)." };
        var command = new Command("export", "Write the documents and references of every host as static files with an nginx configuration; each export replaces the previous one atomically.")
        {
            directory, watch, tenants, keep, nginxDirectory,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var root = Path.GetFullPath(parseResult.GetValue(directory)!);
            var target = new ExportTarget
            {
                Directory = root,
                NginxDirectory = parseResult.GetValue(nginxDirectory) ?? root,
                Keep = parseResult.GetValue(keep),
            };
            if (target.Keep < 2 || !Path.IsPathFullyQualified(target.NginxDirectory) || !NginxConfiguration.IsUsablePath(target.NginxDirectory))
            {
                await error.WriteLineAsync("--keep must be at least 2, and --nginx-dir an absolute path without '$', '\"' or '\\'.");
                return ExitCodes.InvalidConfiguration;
            }

            await using var app = CliHost.Build(parseResult, parseResult.GetValue(tenants));
            StaticExporter exporter;
            CatalogLoadResult loaded;
            try
            {
                var store = app.Services.GetRequiredService<TenantStore>();
                exporter = StaticExporter.Create(app.Services);
                loaded = store.LoadInitial();
            }
            catch (OptionsValidationException ex)
            {
                await CliHost.WriteInvalidConfigurationAsync(error, "Invalid configuration:", ex);

                return ExitCodes.InvalidConfiguration;
            }

            if (loaded.HasErrors)
            {
                // As serve does on its first load: nothing is exported from a directory the server would refuse.
                var errors = loaded.Errors.ToList();
                await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Nothing exported: {errors.Count} problem(s)."));
                foreach (var problem in errors)
                {
                    await error.WriteLineAsync("  " + problem);
                }

                return ExitCodes.InvalidTenants;
            }

            try
            {
                if (!parseResult.GetValue(watch))
                {
                    await output.WriteLineAsync(Describe(await exporter.ExportCurrentAsync(target, cancellationToken)));
                    return ExitCodes.Success;
                }

                using var reloads = StaticExporter.CreateReloads(app.Services);
                await exporter.WatchAsync(target, reloads, result => output.WriteLine(Describe(result)), cancellationToken);
                return ExitCodes.Success;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"Export to {root} failed: {ex.Message}");
                return ExitCodes.InvalidConfiguration;
            }
        });
        return command;
    }

    private static string Describe(ExportResult result) =>
        string.Create(CultureInfo.InvariantCulture, $"Exported generation {result.Generation}: {result.FileCount} files for {result.HostCount} hosts; current -> {StaticExportWriter.VersionsDirectory}/{result.Version}");
}

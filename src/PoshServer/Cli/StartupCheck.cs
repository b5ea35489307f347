using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using PoshServer.Acme;
using PoshServer.Https;
using PoshServer.Status;
using PoshServer.Telemetry;
using PoshServer.Tenants;

namespace PoshServer.Cli;

/// <summary>
/// Everything <c>serve</c> checks before it listens, reported together so one run shows every fix: all options (each
/// failure of each section), the tenant files, the HTTPS certificate files and every listener's address. A step whose
/// options are invalid is skipped, since that failure is already reported.
/// </summary>
/// <remarks>
/// This is the one start-up sequence: <c>serve</c> runs it, and so does every host the tests build, so a step added
/// here cannot be missing from either.
/// </remarks>
internal static partial class StartupCheck
{
    /// <param name="app">The built, not yet started, app.</param>
    /// <param name="probeListeners">
    /// Whether to bind every configured listener address once first. <c>serve</c> does; a host whose listeners are its
    /// own (a test's, on ports it picked) does not.
    /// </param>
    /// <param name="cancellationToken">Stops the wait for a shared certificate store.</param>
    public static async Task<IReadOnlyList<StartupProblem>> RunAsync(WebApplication app, bool probeListeners, CancellationToken cancellationToken)
    {
        var problems = new List<StartupProblem>();
        var services = app.Services;
        ValidateOptions(services, problems);
        // The first load is exported as a span only if the providers exist before it.
        TelemetryProviders.StartBeforeFirstLoad(services);
        Step(problems, () => problems.AddRange(services.GetRequiredService<TenantReloadService>().LoadInitial().Errors
            .Select(e => new StartupProblem(ExitCodes.InvalidTenants, e.ToString()))));
        Step(problems, () =>
        {
            // With ACME on, no development certificate for an ACME name: one waiting for its first certificate is refused
            // rather than shown one peers reject (issue 13).
            var acme = services.GetRequiredService<IOptions<AcmeOptions>>().Value;
            var acmeNames = acme.Enabled ? services.GetRequiredService<IAcmeNameSource>().GetNames().Select(HttpsCertificateStore.Normalize).ToList() : null;
            problems.AddRange(services.GetRequiredService<HttpsCertificateFileService>().LoadInitial(acmeNames)
                .Select(p => new StartupProblem(ExitCodes.CertificateProblem, CertificateFix(p))));
        });
        if (probeListeners)
        {
            Step(problems, () => problems.AddRange(ListenerProbe.Check(
                services.GetRequiredService<IOptions<HttpsOptions>>().Value,
                services.GetRequiredService<IOptions<AdminOptions>>().Value)));
        }

        if (problems.Count == 0)
        {
            // The stored ACME certificates are in the store before the first handshake. With files this completes at
            // once; with a shared store it waits for the database (or its connect timeout).
            await services.GetRequiredService<AcmeRenewalService>().ServeStoredCertificatesAsync(cancellationToken);
        }

        return problems;
    }

    /// <summary>Runs every start-up validator (options registered with ValidateOnStart) and keeps every failure.</summary>
    internal static void ValidateOptions(IServiceProvider services, List<StartupProblem> problems)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
        }
        catch (OptionsValidationException ex)
        {
            Add(problems, ex);
        }
        catch (AggregateException ex)
        {
            foreach (var inner in ex.InnerExceptions.OfType<OptionsValidationException>())
            {
                Add(problems, inner);
            }
        }
        catch (InvalidOperationException ex)
        {
            // The configuration binder: a value that does not convert ("Failed to convert configuration value at 'Https:Port'").
            problems.Add(new StartupProblem(ExitCodes.InvalidConfiguration, $"{ex.Message} Fix: give the key a value of its type."));
        }
    }

    private static void Step(List<StartupProblem> problems, Action step)
    {
        try
        {
            step();
        }
        catch (OptionsValidationException ex)
        {
            // Usually reported by ValidateOptions already; Add keeps one line per failure.
            Add(problems, ex);
        }
    }

    private static void Add(List<StartupProblem> problems, OptionsValidationException exception)
    {
        foreach (var failure in exception.Failures)
        {
            var line = new StartupProblem(ExitCodes.InvalidConfiguration, Readable(exception.OptionsType, failure));
            if (!problems.Contains(line))
            {
                problems.Add(line);
            }
        }
    }

    /// <summary>DataAnnotations failures name the class and member; operators write Section:Key.</summary>
    internal static string Readable(Type optionsType, string failure)
    {
        var match = DataAnnotationFailure().Match(failure);
        if (!match.Success)
        {
            return failure;
        }

        var section = SectionOf(optionsType);
        var key = section is null ? match.Groups["member"].Value : $"{section}:{match.Groups["member"].Value}";
        return $"{key}: {match.Groups["error"].Value} Fix: correct {key} in appsettings.json, the environment or the command line.";
    }

    private static string? SectionOf(Type optionsType) =>
        optionsType.GetFields(BindingFlags.Public | BindingFlags.Static)
            .FirstOrDefault(f => f.IsLiteral && f.FieldType == typeof(string) && f.Name is "Section" or "SectionName")
            ?.GetRawConstantValue() as string;

    private static string CertificateFix(string problem) =>
        $"{problem.TrimEnd('.')}. Fix: point the entry's CertificateFile and KeyFile at a readable PEM chain and its private key, or remove the entry.";

    [GeneratedRegex("^DataAnnotation validation failed for '[^']*' members: '(?<member>[^']*)' with the error: '(?<error>.*)'\\.?$", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex DataAnnotationFailure();
}

using System.Globalization;
using Microsoft.Extensions.Options;

namespace PoshClient;

/// <summary>Checks every <see cref="PoshClientOptions"/> range and reports all problems at once.</summary>
internal sealed class PoshClientOptionsValidator : IValidateOptions<PoshClientOptions>
{
    public ValidateOptionsResult Validate(string? name, PoshClientOptions options)
    {
        var errors = Collect(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static List<string> Collect(PoshClientOptions options)
    {
        var errors = new List<string>();
        CheckRange(errors, nameof(options.MaxDocumentBytes), options.MaxDocumentBytes, 1024, 1024 * 1024);
        CheckRange(errors, nameof(options.MaxRedirects), options.MaxRedirects, 0, 10);
        CheckRange(errors, nameof(options.MaxCacheEntries), options.MaxCacheEntries, 1, 1_000_000);
        CheckRange(errors, nameof(options.LookupTimeout), options.LookupTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(2));
        CheckRange(errors, nameof(options.MaxCacheTime), options.MaxCacheTime, TimeSpan.Zero, TimeSpan.FromDays(7));
        CheckRange(errors, nameof(options.NotFoundCacheTime), options.NotFoundCacheTime, TimeSpan.Zero, TimeSpan.FromHours(1));
        CheckRange(errors, nameof(options.FailureCacheTime), options.FailureCacheTime, TimeSpan.Zero, TimeSpan.FromMinutes(15));
        CheckRange(errors, nameof(options.MinimumRefetchInterval), options.MinimumRefetchInterval, TimeSpan.Zero, TimeSpan.FromHours(1));
        if (!(options.NegativeCacheJitter is >= 0 and <= 0.5))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"PoshClientOptions.NegativeCacheJitter must be between 0 and 0.5, not {options.NegativeCacheJitter}."));
        }

        if (options.FailureReportUrl is { } url && (!url.IsAbsoluteUri || !string.Equals(url.Scheme, Uri.UriSchemeHttps, StringComparison.Ordinal)))
        {
            errors.Add($"PoshClientOptions.FailureReportUrl must be an absolute https URL, not '{url}'.");
        }

        return errors;
    }

    private static void CheckRange<T>(List<string> errors, string name, T value, T min, T max)
        where T : IComparable<T>
    {
        if (value.CompareTo(min) < 0 || value.CompareTo(max) > 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"PoshClientOptions.{name} must be between {min} and {max}, not {value}."));
        }
    }
}

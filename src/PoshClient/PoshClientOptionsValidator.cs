using System.Globalization;
using Microsoft.Extensions.Options;
using PoshClient.Dane;
using PoshClient.Dns;

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

        CollectDnssec(errors, options);
        return errors;
    }

    private static void CollectDnssec(List<string> errors, PoshClientOptions options)
    {
        if (!Enum.IsDefined(options.DnssecMode))
        {
            errors.Add($"PoshClientOptions.DnssecMode must be {nameof(DnssecMode.TrustAdFromTrustedResolvers)} or {nameof(DnssecMode.ValidateInProcess)}, not {options.DnssecMode}.");
        }

        foreach (var anchor in options.DnssecTrustAnchors)
        {
            if (!DnssecTrustAnchor.TryParse(anchor, out _, out var error))
            {
                errors.Add($"PoshClientOptions.DnssecTrustAnchors: {error}");
            }
        }

        // ARSoft.Tools.Net's transports take one port for all servers.
        if (options.DnssecMode == DnssecMode.ValidateInProcess && options.DnsServers.Select(s => s.Port).Distinct().Count() > 1)
        {
            errors.Add($"PoshClientOptions.DnsServers must all use the same port with DnssecMode {nameof(DnssecMode.ValidateInProcess)}, not {string.Join(", ", options.DnsServers)}.");
        }
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

using Microsoft.Extensions.Options;
using PoshClient.Names;

namespace PoshServer.Posh;

/// <summary>Cross-field rules for <see cref="PoshOptions"/>; reports every problem at once, at start-up.</summary>
internal sealed class PoshOptionsValidator : IValidateOptions<PoshOptions>
{
    public ValidateOptionsResult Validate(string? name, PoshOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (options.PublicBaseUrl is { } url
            && (!url.IsAbsoluteUri || !string.Equals(url.Scheme, Uri.UriSchemeHttps, StringComparison.Ordinal) || !string.Equals(url.AbsolutePath, "/", StringComparison.Ordinal) || url.Query.Length > 0 || url.Fragment.Length > 0))
        {
            // RFC 7711 §3.2: the reference's url is an HTTPS URI; tenants' reference files are built from this origin.
            builder.AddError($"Posh:PublicBaseUrl must be an https origin such as https://posh.hosting.example.net, not '{url}'.");
        }

        foreach (var host in options.HostNames)
        {
            // "localhost" is the one single-label name a hoster uses (development, probes); others are qualified names.
            if (!DomainName.TryParseQualified(host, out _, out var error)
                && !(error.Kind == DomainNameErrorKind.SingleLabel && string.Equals(error.Label, "localhost", StringComparison.Ordinal)))
            {
                builder.AddError($"Posh:HostNames contains '{host}': {error.Message}.");
            }
        }

        return builder.Build();
    }
}

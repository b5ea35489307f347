using System.Buffers.Text;
using Microsoft.Extensions.Options;
using PoshClient.Names;

namespace PoshServer.Acme;

/// <summary>Checks every <see cref="AcmeOptions"/> field and reports all problems at once, at start-up.</summary>
internal sealed class AcmeOptionsValidator : IValidateOptions<AcmeOptions>
{
    public ValidateOptionsResult Validate(string? name, AcmeOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (!options.DirectoryUrl.IsAbsoluteUri || !string.Equals(options.DirectoryUrl.Scheme, Uri.UriSchemeHttps, StringComparison.Ordinal))
        {
            // RFC 8555 §6.1: ACME runs over HTTPS only.
            builder.AddError($"'{options.DirectoryUrl}' must be an absolute https URL.", "Acme:DirectoryUrl");
        }

        foreach (var contact in options.Contact)
        {
            if (!contact.StartsWith("mailto:", StringComparison.Ordinal) || contact.Length <= "mailto:".Length)
            {
                builder.AddError($"'{contact}' must be a mailto: URL.", "Acme:Contact");
            }
        }

        foreach (var hostName in options.HostNames)
        {
            // Any spelling of a host name is accepted (the name source normalises it); a wildcard is not a host name.
            if (!DomainName.TryParseQualified(hostName, out _, out var error))
            {
                builder.AddError(error.Message + ".", "Acme:HostNames");
            }
        }

        if (string.IsNullOrWhiteSpace(options.StoragePath))
        {
            builder.AddError("must not be empty.", "Acme:StoragePath");
        }

        if (options.TrustedRootPath is not null && !File.Exists(options.TrustedRootPath))
        {
            builder.AddError($"file '{options.TrustedRootPath}' does not exist.", "Acme:TrustedRootPath");
        }

        if (options.ExternalAccountKeyId is null != options.ExternalAccountHmacKey is null)
        {
            builder.AddError("ExternalAccountKeyId and ExternalAccountHmacKey must be set together.", "Acme:ExternalAccountKeyId");
        }

        if (options.ExternalAccountHmacKey is { } mac && !Base64Url.IsValid(mac))
        {
            builder.AddError("must be base64url.", "Acme:ExternalAccountHmacKey");
        }

        if (options.ChallengePort is < 1 or > 65535)
        {
            builder.AddError($"{options.ChallengePort} is not a TCP port.", "Acme:ChallengePort");
        }

        if (options.MaxConcurrentIssuances is < 1 or > 32)
        {
            builder.AddError($"{options.MaxConcurrentIssuances} is outside 1–32.", "Acme:MaxConcurrentIssuances");
        }

        if (options.InitialBackoff <= TimeSpan.Zero || options.MaxBackoff < options.InitialBackoff)
        {
            builder.AddError("InitialBackoff must be positive and MaxBackoff at least InitialBackoff.", "Acme:InitialBackoff");
        }

        if (options.IssuanceTimeout <= TimeSpan.Zero)
        {
            builder.AddError("must be positive.", "Acme:IssuanceTimeout");
        }

        if (options.RescanInterval <= TimeSpan.Zero)
        {
            builder.AddError("must be positive.", "Acme:RescanInterval");
        }

        if (options.BadNonceRetries is < 1 or > 30)
        {
            builder.AddError($"{options.BadNonceRetries} is outside 1–30.", "Acme:BadNonceRetries");
        }

        if (options.ExpiryWarningDays < 0)
        {
            builder.AddError("must not be negative.", "Acme:ExpiryWarningDays");
        }

        if (options.FailureWarningThreshold < 1)
        {
            builder.AddError("must be at least 1.", "Acme:FailureWarningThreshold");
        }

        return builder.Build();
    }
}

using Microsoft.Extensions.Options;
using PoshClient;

namespace PoshServer.Lookups;

/// <summary>Every DNS server, resolver address and trust file of the "PoshClient" section, checked at start-up.</summary>
internal sealed class LookupOptionsValidator : IValidateOptions<LookupOptions>
{
    public ValidateOptionsResult Validate(string? name, LookupOptions options)
    {
        var errors = options.ApplyTo(new PoshClientOptions());
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

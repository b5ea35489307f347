using System.Net;
using Microsoft.Extensions.Options;

namespace PoshServer.Status;

/// <summary>The admin listener shows every tenant and report: off loopback it must be protected by a token.</summary>
internal sealed class AdminOptionsValidator : IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        var errors = new List<string>();
        if (!TryParseAddress(options.Address, out var address))
        {
            errors.Add($"Admin:Address '{options.Address}' is not an IP address, 'localhost' or '*'.");
        }
        else if (!IPAddress.IsLoopback(address) && string.IsNullOrEmpty(options.BearerToken))
        {
            errors.Add($"Admin:Address '{options.Address}' is not a loopback address: set Admin:BearerToken, or listen on 127.0.0.1.");
        }

        if (options.BearerToken is { Length: > 0 and < 16 })
        {
            errors.Add("Admin:BearerToken must be at least 16 characters.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static bool TryParseAddress(string text, out IPAddress address)
    {
        address = text switch
        {
            "localhost" => IPAddress.Loopback,
            "*" => IPAddress.IPv6Any,
            _ => IPAddress.TryParse(text, out var parsed) ? parsed : IPAddress.None,
        };
        return !address.Equals(IPAddress.None);
    }
}

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
        else if (address.IsIPv4MappedToIPv6)
        {
            // IPAddress.IsLoopback says yes to ::ffff:127.0.0.1, but Kestrel cannot bind it (issue 14).
            errors.Add($"Admin:Address '{options.Address}' is an IPv4-mapped IPv6 address, which cannot be bound: write it as {address.MapToIPv4()}.");
        }
        else if (!IPAddress.IsLoopback(address) && string.IsNullOrEmpty(options.BearerToken))
        {
            errors.Add($"Admin:Address '{options.Address}' is not a loopback address: set Admin:BearerToken, or listen on 127.0.0.1.");
        }

        if (options.BearerToken is { Length: > 0 } token && (token.Length < 16 || !IsBearerToken(token)))
        {
            // RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" — no spaces (issue 14).
            errors.Add("Admin:BearerToken must be at least 16 characters of letters, digits and - . _ ~ + / (then any '='), e.g. from `openssl rand -base64 32`.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsBearerToken(string token)
    {
        var body = token.TrimEnd('=');
        return body.Length > 0 && body.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '+' or '/');
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

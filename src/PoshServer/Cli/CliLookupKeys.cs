using System.Globalization;
using PoshServer.Lookups;

namespace PoshServer.Cli;

/// <summary>A command's <c>--dns-server</c> and <c>--trust</c> as the "PoshClient" configuration keys they override.</summary>
internal static class CliLookupKeys
{
    public static IEnumerable<string> From(string[]? dnsServers, string? trust)
    {
        var servers = dnsServers ?? [];
        for (var i = 0; i < servers.Length; i++)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"--{LookupOptions.Section}:{nameof(LookupOptions.DnsServers)}:{i}={servers[i]}");
        }

        if (trust is not null)
        {
            yield return $"--{LookupOptions.Section}:{nameof(LookupOptions.TrustedRoots)}={trust}";
        }
    }
}

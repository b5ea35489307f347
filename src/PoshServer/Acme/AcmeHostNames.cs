using System.Text.RegularExpressions;

namespace PoshServer.Acme;

/// <summary>The names ACME may order: lower-case A-labels, no trailing dot (Pebble rejects one), no wildcard (http-01 cannot prove it).</summary>
internal static partial class AcmeHostNames
{
    public static bool IsValid(string hostName) =>
        hostName.Length <= 253 && HostNamePattern().IsMatch(hostName);

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 1000)]
    private static partial Regex HostNamePattern();
}

using PoshClient.Names;

namespace PoshServer.Acme;

/// <summary>
/// The names ACME may order and store: fully qualified names already in the one normalised form (lower-case A-labels,
/// no trailing dot — Pebble rejects one), so no wildcard (http-01 cannot prove it). Storage keys are these names, so
/// anything else read back from storage is refused rather than normalised.
/// </summary>
internal static class AcmeHostNames
{
    public static bool IsValid(string hostName) =>
        DomainName.IsNormalized(hostName) && hostName.Contains('.', StringComparison.Ordinal);
}

using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using PoshClient.Names;

namespace PoshServer.Posh;

/// <summary>The hoster's own host names, for one lookup per request.</summary>
/// <remarks>
/// Kept as A-labels: the Host header carries the A-label (RFC 5890 §2.3.2.1), so a name configured as a U-label
/// ("pösh.hosting.example") must be converted once here or it never matches (issue 14). Names the validator refuses
/// never reach here: start-up stops first.
/// </remarks>
internal sealed class PoshHostNames(IOptions<PoshOptions> options)
{
    private readonly FrozenSet<string> _names = options.Value.HostNames
        .Select(h => DomainName.TryParse(h, out var name) ? name.Value : null)
        .OfType<string>()
        .ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The names as A-labels in lower case, without trailing dot.</summary>
    public IReadOnlyCollection<string> All => _names;

    public bool Contains(string host) => _names.Contains(host);
}

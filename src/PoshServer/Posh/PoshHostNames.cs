using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace PoshServer.Posh;

/// <summary>The hoster's own host names, for one lookup per request.</summary>
internal sealed class PoshHostNames(IOptions<PoshOptions> options)
{
    private readonly FrozenSet<string> _names = options.Value.HostNames.Select(h => h.TrimEnd('.')).ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<string> All => _names;

    public bool Contains(string host) => _names.Contains(host);
}

using System.Collections.Concurrent;
using System.Net;
using PoshServer.Acme;

namespace PoshServer.Tests.Acme;

/// <summary>Every name resolves to 127.0.0.1 unless the test says otherwise.</summary>
internal sealed class TestAcmeHostResolver : IAcmeHostResolver
{
    public ConcurrentDictionary<string, IPAddress[]> Overrides { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Task<IReadOnlyList<IPAddress>> ResolveAsync(string hostName, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<IPAddress>>(Overrides.TryGetValue(hostName, out var addresses) ? addresses : [IPAddress.Loopback]);
}

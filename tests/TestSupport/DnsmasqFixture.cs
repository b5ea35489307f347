namespace PoshTesting;

/// <summary>
/// Base class for an xunit collection fixture around one <see cref="DnsmasqServer"/>: a suite derives from it, lists
/// its records, and declares <c>[CollectionDefinition("…")] … : ICollectionFixture&lt;TheDerivedFixture&gt;</c>.
/// </summary>
public abstract class DnsmasqFixture : IAsyncLifetime
{
    private DnsmasqServer? _server;

    /// <summary>The running server; available once xunit has initialized the fixture.</summary>
    public DnsmasqServer Server => _server ?? throw new InvalidOperationException("The dnsmasq fixture is not initialized.");

    /// <summary>Domains where unknown names are NXDOMAIN.</summary>
    protected virtual IEnumerable<string> Zones => ["test"];

    public async Task InitializeAsync() => _server = await DnsmasqServer.StartAsync(CreateRecords(), Zones);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>The records to serve.</summary>
    protected abstract IEnumerable<DnsmasqRecord> CreateRecords();
}

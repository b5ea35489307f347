using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PoshClient.Documents;
using PoshServer.Tenants;
using PoshTesting;

namespace PoshServer.Tests.Tenants;

/// <summary>
/// Issue 9, start-up: the parse results kept across restarts. A restart reads only the files whose stamp changed
/// while the server was down; the cache changes how fast the first load is, never what it loads; and a cache that
/// is missing, damaged or written for other settings is a cold start, never a failed one.
/// </summary>
public sealed class TenantParseCacheTests : IDisposable
{
    private static readonly DateTime s_longAgo = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly TenantWorld _world = new();
    private readonly TempDirectory _state = new("posh-parse-cache-");
    // The cache's clock runs a minute ahead: files the test writes are older than the racy window.
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow.AddMinutes(1));
    private readonly FakeLogger<TenantParseCache> _logger = new();

    public void Dispose()
    {
        _state.Dispose();
        _world.Dispose();
    }

    private string CachePath => _state.Combine("tenant-parse-cache.bin");

    [Fact]
    public async Task Restart_TakesUnchangedFilesFromTheCache_AndReadsWhatChanged()
    {
        // Arrange: four tenants, cached by a first run.
        foreach (var name in new[] { "a", "b", "c", "d" })
        {
            _world.WriteTenant($"{name}.yaml", $"domain: {name}.example\nexpires: 600\n");
        }

        using (var first = CreateStore())
        {
            Assert.False(first.LoadInitial().HasErrors);
            await first.WriteParseCacheAsync();
        }

        // Act: while the server is down, a is rewritten with the same size and time (the one change a stamp cannot
        // see, which a reload misses too: it shows that the cached result was used), b is changed, c removed, e added.
        var a = _world.Combine("a.yaml");
        var stamp = File.GetLastWriteTimeUtc(a);
        File.WriteAllText(a, "domain: a.example\nexpires: 900\n");
        File.SetLastWriteTimeUtc(a, stamp);
        _world.WriteAtomically("b.yaml", "domain: b.example\nexpires: 1200\n");
        File.SetLastWriteTimeUtc(_world.Combine("b.yaml"), s_longAgo);
        _world.Delete("c.yaml");
        _world.WriteTenant("e.yaml", "domain: e.example\n");
        using var restarted = CreateStore();
        var result = restarted.LoadInitial();

        // Assert
        Assert.False(result.HasErrors);
        var tenants = result.Snapshot.Tenants;
        Assert.Equal(["a.example", "b.example", "d.example", "e.example"], tenants.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(600, tenants["a.example"].Tenant.Expires);
        Assert.Equal(1200, tenants["b.example"].Tenant.Expires);
        Assert.Equal(3600, tenants["e.example"].Tenant.Expires);
        Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Id.Id == 112 && r.Message.Contains("of 4 tenant files", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Server_WritesTheCacheAsItStops()
    {
        // Arrange: a file older than the racy window.
        _world.WriteTenant("a.yaml", "domain: a.example\n");
        File.SetLastWriteTimeUtc(_world.Combine("a.yaml"), s_longAgo);
        var server = await PoshServerHost.StartAsync(_world.Path, null, $"--Tenants:ParseCacheFile={CachePath}");
        File.Delete(CachePath);

        // Act: the start-up catch-up may have written it already; the stop writes what changed since.
        _world.WriteTenant("b.yaml", "domain: b.example\n");
        File.SetLastWriteTimeUtc(_world.Combine("b.yaml"), s_longAgo);
        await Eventually.TrueAsync(() => Task.FromResult(server.Services.GetRequiredService<TenantStore>().Current.Tenants.ContainsKey("b.example")), "the new tenant is loaded");
        await server.DisposeAsync();

        // Assert
        var options = _world.CreateOptions(o => o.ParseCacheFile = CachePath);
        var files = ParseCacheFile.Read(CachePath, ParseCacheFile.Fingerprint(options), options, out var problem);
        Assert.Null(problem);
        Assert.Equal(["a.yaml", "b.yaml"], files!.Select(f => f.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("missing", "there is none yet")]
    [InlineData("damaged", "damaged")]
    [InlineData("truncated", "truncated")]
    [InlineData("not a cache", "not a parse cache")]
    [InlineData("other settings", "other tenant settings")]
    public async Task Restart_WithACacheThatCannotBeUsed_ReadsEveryFile(string fault, string reason)
    {
        // Arrange
        _world.WriteTenant("a.yaml", "domain: a.example\n");
        using (var first = CreateStore())
        {
            first.LoadInitial();
            await first.WriteParseCacheAsync();
        }

        _logger.Collector.Clear();
        var bytes = File.ReadAllBytes(CachePath);
        switch (fault)
        {
            case "missing":
                File.Delete(CachePath);
                break;
            case "damaged":
                bytes[^3] ^= 0x20;
                File.WriteAllBytes(CachePath, bytes);
                break;
            case "truncated":
                File.WriteAllBytes(CachePath, bytes[..^5]);
                break;
            case "not a cache":
                File.WriteAllText(CachePath, "domain: a.example\n");
                break;
        }

        // Act: with other settings, the default expires the cached result was parsed with no longer holds.
        using var restarted = CreateStore(o => o.DefaultExpires = fault == "other settings" ? 7200 : 3600);
        var result = restarted.LoadInitial();

        // Assert
        Assert.False(result.HasErrors);
        Assert.Equal(fault == "other settings" ? 7200 : 3600, result.Snapshot.Tenants["a.example"].Tenant.Expires);
        var unused = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Id.Id == 113);
        Assert.Contains(reason, unused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_LeavesOutFilesChangedWithinTheRacyWindow()
    {
        // Arrange: one file long unchanged, one written a moment before the cache is.
        _world.WriteTenant("old.yaml", "domain: old.example\n");
        File.SetLastWriteTimeUtc(_world.Combine("old.yaml"), s_longAgo);
        _world.WriteTenant("new.yaml", "domain: new.example\n");
        var clock = new FakeTimeProvider(new DateTimeOffset(File.GetLastWriteTimeUtc(_world.Combine("new.yaml"))).AddSeconds(1));
        var builder = _world.CreateBuilder(_time, o => o.ParseCacheFile = CachePath);
        builder.Load(lastGood: null);

        // Act
        CreateCache(clock).Write(builder.Reader);

        // Assert: a rewrite of new.yaml within its timestamp's granularity would keep its stamp, so it is read again.
        var options = _world.CreateOptions(o => o.ParseCacheFile = CachePath);
        var files = ParseCacheFile.Read(CachePath, ParseCacheFile.Fingerprint(options), options, out var problem);
        Assert.Null(problem);
        Assert.Equal(["old.yaml"], files!.Select(f => f.Name));
    }

    [Fact]
    public void Write_UnchangedResults_AreNotWrittenAgain()
    {
        // Arrange
        _world.WriteTenant("a.yaml", "domain: a.example\n");
        var builder = _world.CreateBuilder(_time, o => o.ParseCacheFile = CachePath);
        var loaded = builder.Load(lastGood: null);
        var cache = CreateCache();

        // Act: written, a full reload that changes nothing, then one that reads a changed file.
        cache.Write(builder.Reader);
        builder.Load(loaded.Snapshot);
        cache.Write(builder.Reader);
        _world.WriteAtomically("a.yaml", "domain: a.example\nexpires: 120\n");
        builder.Load(loaded.Snapshot);
        cache.Write(builder.Reader);

        // Assert
        Assert.Equal(2, _logger.Collector.GetSnapshot().Count(r => r.Id.Id == 114));
    }

    [Fact]
    public void Write_WhereNoFileCanBeWritten_WarnsOnceAndNeverThrows()
    {
        // Arrange: the cache's directory would have to be a file that exists.
        File.WriteAllText(_state.Combine("blocker"), "a file, not a directory");
        var path = _state.Combine("blocker", "tenant-parse-cache.bin");
        _world.WriteTenant("a.yaml", "domain: a.example\n");
        var builder = _world.CreateBuilder(_time, o => o.ParseCacheFile = path);
        var loaded = builder.Load(lastGood: null);
        var cache = CreateCache(configure: o => o.ParseCacheFile = path);

        // Act
        cache.Write(builder.Reader);
        _world.WriteAtomically("a.yaml", "domain: a.example\nexpires: 120\n");
        builder.Load(loaded.Snapshot);
        cache.Write(builder.Reader);

        // Assert
        var warning = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Id.Id == 115);
        Assert.Contains(path, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadBack_KeepsEveryFieldOfEveryKindOfResult()
    {
        // Arrange: a tenant using every key, one from a file shown under another name, and a rejected file.
        var options = _world.CreateOptions();
        var full = new Tenant
        {
            Domain = "full.example",
            SourceDirectory = options.Directory,
            SourceName = "full.yaml",
            Description = "Every key, ünïcode too",
            CertificateSet = "alt",
            Services = [PoshService.XmppServer],
            Expires = 7200,
            ReferenceExpires = 172_800,
            ExtraCertificates = [new CertificateReference(_world.Combine("certs/own.pem"), 7, 5), new CertificateReference(_world.Combine("certs/two.pem"), 8, 5)],
            Disabled = true,
            Acme = true,
        };
        var plain = full with { Domain = "plain.example", SourceDirectory = "elsewhere", SourceName = "other.yaml", Description = null, CertificateSet = "default", Services = [.. PoshServiceNames.All], ExtraCertificates = [], Disabled = false, Acme = false };
        var rejected = new ParsedTenantFile(null, [TenantDiagnostic.Error("tenants/bad.yaml", 3, 9, "unknown key 'expire'", "Did you mean 'expires'?")], new TenantFilePositions((2, 1), (1, 1)), Transient: false);
        RememberedTenantFile[] files =
        [
            new("full.yaml", new TenantFileStamp(120, s_longAgo), new ParsedTenantFile(full, [], new TenantFilePositions((1, 1), (4, 1)), Transient: false)),
            new("plain.yaml", new TenantFileStamp(21, s_longAgo.AddTicks(1)), new ParsedTenantFile(plain, [], ParsedTenantFile.Start, Transient: false)),
            new("bad.yaml", new TenantFileStamp(40, s_longAgo.AddDays(1)), rejected),
        ];

        // Act
        ParseCacheFile.Write(CachePath, "fingerprint", options, files);
        var read = ParseCacheFile.Read(CachePath, "fingerprint", options, out var problem);

        // Assert
        Assert.Null(problem);
        Assert.Equal(files.Length, read!.Count);
        for (var i = 0; i < files.Length; i++)
        {
            Assert.Equal(files[i].Name, read[i].Name);
            Assert.Equal(files[i].Stamp, read[i].Stamp);
            Assert.Equal(files[i].Parsed.Positions, read[i].Parsed.Positions);
            Assert.Equal(files[i].Parsed.Diagnostics.ToArray(), read[i].Parsed.Diagnostics.ToArray());
            Assert.Equal(Comparable(files[i].Parsed.Tenant), Comparable(read[i].Parsed.Tenant));
        }
    }

    /// <summary>The tenant with its arrays as values (records compare ImmutableArray by reference).</summary>
    private static object? Comparable(Tenant? tenant) => tenant is null
        ? null
        : (tenant with { Services = [], ExtraCertificates = [] }, string.Join(',', tenant.Services), string.Join(',', tenant.ExtraCertificates));

    private TenantParseCache CreateCache(TimeProvider? clock = null, Action<TenantsOptions>? configure = null) =>
        new(Options.Create(_world.CreateOptions(o =>
        {
            o.ParseCacheFile = CachePath;
            configure?.Invoke(o);
        })), clock ?? _time, _logger);

    private TenantStore CreateStore(Action<TenantsOptions>? configure = null)
    {
        void Configure(TenantsOptions o)
        {
            o.ParseCacheFile = CachePath;
            configure?.Invoke(o);
        }

        var builder = _world.CreateBuilder(_time, Configure);
        return new TenantStore(builder, _time, NullLogger<TenantStore>.Instance, CreateCache(configure: Configure));
    }
}

using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using PoshServer.Export;
using PoshTesting;

namespace PoshServer.Tests.Export;

public sealed class StaticExportWriterTests : IDisposable
{
    private readonly TempDirectory _directory = new("posh-export-");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task WriteAsync_FirstExport_CurrentIsARelativeLinkToAVersionWithHostsManifestAndNginxConfiguration()
    {
        // Arrange
        var writer = new StaticExportWriter(_time);

        // Act
        var result = await writer.WriteAsync(Target(), [File("example.com", "/.well-known/posh/xmpp-server.json", "{\"a\":1}")], 7, _time.GetUtcNow(), CancellationToken.None);

        // Assert
        Assert.Equal("20261201T100000000Z-g7", result.Version);
        var current = new DirectoryInfo(_directory.Combine("current"));
        Assert.Equal("versions/20261201T100000000Z-g7", current.LinkTarget);
        Assert.Equal("{\"a\":1}", await System.IO.File.ReadAllTextAsync(_directory.Combine("current", "hosts", "example.com", ".well-known", "posh", "xmpp-server.json")));
        using var manifest = JsonDocument.Parse(await System.IO.File.ReadAllTextAsync(_directory.Combine("current", "manifest.json")));
        Assert.Equal(7, manifest.RootElement.GetProperty("generation").GetInt64());
        var entry = Assert.Single(manifest.RootElement.GetProperty("files").EnumerateArray());
        Assert.Equal("hosts/example.com/.well-known/posh/xmpp-server.json", entry.GetProperty("path").GetString());
        Assert.Equal("application/json", entry.GetProperty("contentType").GetString());
        Assert.Equal("\"etag\"", entry.GetProperty("eTag").GetString());
        var nginx = await System.IO.File.ReadAllTextAsync(_directory.Combine("nginx", "poshserver.conf"));
        Assert.Contains($"root \"{_directory.Combine("current", "hosts")}/$host\";", nginx, StringComparison.Ordinal);
        Assert.Contains("add_header Cache-Control \"max-age=60\" always;", nginx, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_SecondExport_RemovedFileIsGoneAndSameBytesKeepTheirMtime()
    {
        // Arrange
        var writer = new StaticExportWriter(_time);
        var kept = File("example.com", "/.well-known/posh/xmpp-server.json", "{\"kept\":1}");
        await writer.WriteAsync(Target(), [kept, File("removed.example", "/.well-known/posh/xmpp-server.json", "{\"r\":1}")], 1, _time.GetUtcNow(), CancellationToken.None);
        var keptPath = _directory.Combine("current", "hosts", "example.com", ".well-known", "posh", "xmpp-server.json");
        var firstMtime = System.IO.File.GetLastWriteTimeUtc(keptPath);
        _time.Advance(TimeSpan.FromMinutes(1));

        // Act
        await writer.WriteAsync(Target(), [kept], 2, _time.GetUtcNow(), CancellationToken.None);

        // Assert: the removed tenant's host directory is not in the current version; nginx's ETag (mtime and length) is unchanged.
        Assert.False(Directory.Exists(_directory.Combine("current", "hosts", "removed.example")));
        Assert.Equal(firstMtime, System.IO.File.GetLastWriteTimeUtc(keptPath));
        Assert.Equal(StaticExportWriter.ContentTime(Encoding.UTF8.GetBytes("{\"kept\":1}")).UtcDateTime, firstMtime);
    }

    [Fact]
    public void ContentTime_DifferentBytes_DifferentTimeInThePast()
    {
        var a = StaticExportWriter.ContentTime("{\"a\":1}"u8);
        var b = StaticExportWriter.ContentTime("{\"a\":2}"u8);

        Assert.NotEqual(a, b);
        Assert.InRange(a, new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2018, 1, 1, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task WriteAsync_ManyExports_KeepsTheNewestAndRemovesAbandonedPartialVersions()
    {
        // Arrange: a partial version left by an interrupted export.
        var writer = new StaticExportWriter(_time);
        Directory.CreateDirectory(_directory.Combine("versions", ".partial-19990101T000000000Z-g1"));

        // Act
        ExportResult? last = null;
        for (var generation = 1; generation <= 4; generation++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            last = await writer.WriteAsync(Target(keep: 2), [File("example.com", "/.well-known/posh/xmpp-server.json", $"{{\"g\":{generation}}}")], generation, _time.GetUtcNow(), CancellationToken.None);
        }

        // Assert
        Assert.Equal(["20261201T100003000Z-g3", "20261201T100004000Z-g4"], Directory.EnumerateDirectories(_directory.Combine("versions")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("versions/" + last!.Version, new DirectoryInfo(_directory.Combine("current")).LinkTarget);
    }

    [Fact]
    public async Task WriteAsync_SameTimeAndGeneration_GetsAVersionOfItsOwn()
    {
        var writer = new StaticExportWriter(_time);

        var first = await writer.WriteAsync(Target(), [], 1, _time.GetUtcNow(), CancellationToken.None);
        var second = await writer.WriteAsync(Target(), [], 1, _time.GetUtcNow(), CancellationToken.None);

        Assert.Equal(first.Version + "-2", second.Version);
    }

    [Fact]
    public async Task WriteAsync_CurrentIsARealDirectory_RefusesAndLeavesIt()
    {
        // Arrange: not an export's symlink; replacing it could destroy somebody's files.
        Directory.CreateDirectory(_directory.Combine("current"));
        await System.IO.File.WriteAllTextAsync(_directory.Combine("current", "keep.txt"), "mine");
        var writer = new StaticExportWriter(_time);

        // Act
        var error = await Assert.ThrowsAsync<IOException>(() => writer.WriteAsync(Target(), [], 1, _time.GetUtcNow(), CancellationToken.None));

        // Assert
        Assert.Contains("not the symlink", error.Message, StringComparison.Ordinal);
        Assert.True(System.IO.File.Exists(_directory.Combine("current", "keep.txt")));
    }

    private ExportTarget Target(int keep = 3) => new() { Directory = _directory.Path, NginxDirectory = _directory.Path, Keep = keep };

    private static ExportFile File(string host, string path, string body) => new()
    {
        Host = host,
        UrlPath = path,
        Body = Encoding.UTF8.GetBytes(body),
        ContentType = StaticExportLayout.JsonContentType,
        ETag = "\"etag\"",
    };
}

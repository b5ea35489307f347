using System.Threading.Channels;
using PoshServer.Watching;
using PoshTesting;

namespace PoshServer.Tests.Watching;

/// <summary>The one FileSystemWatcher wrapper, on a real temp directory.</summary>
public sealed class DirectoryWatchTests : IDisposable
{
    private readonly TempDirectory _directory = new("posh-watch-");
    private readonly Channel<FileChange> _changes = Channel.CreateUnbounded<FileChange>();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task TryStart_FileCreatedThenRenamed_ReportsBothWithFullPaths()
    {
        using var watcher = DirectoryWatch.TryStart(new DirectoryWatchOptions { Directory = _directory.Path }, c => _changes.Writer.TryWrite(c), _ => { }, out var error);
        Assert.NotNull(watcher);
        Assert.Null(error);

        var temp = _directory.Combine(".a.yaml.tmp");
        var final = _directory.Combine("a.yaml");
        await File.WriteAllTextAsync(temp, "domain: a.example\n");
        File.Move(temp, final);

        var rename = await NextAsync(c => c.Kind == FileChangeKind.Renamed);
        Assert.Equal(final, rename.Path);
        Assert.Equal(temp, rename.OldPath);
    }

    [Fact]
    public async Task TryStart_FilterAndSubdirectories_OnlyMatchingNamesBelow()
    {
        Directory.CreateDirectory(_directory.Combine("sub"));
        var options = new DirectoryWatchOptions { Directory = _directory.Path, Filter = "*.pem", IncludeSubdirectories = true };
        using var watcher = DirectoryWatch.TryStart(options, c => _changes.Writer.TryWrite(c), _ => { }, out _);
        Assert.NotNull(watcher);

        await File.WriteAllTextAsync(_directory.Combine("ignored.txt"), "x");
        await File.WriteAllTextAsync(_directory.Combine("sub/cert.pem"), "x");

        var change = await NextAsync(_ => true);
        Assert.Equal(_directory.Combine("sub/cert.pem"), change.Path);
    }

    [Fact]
    public void TryStart_MissingDirectory_ReturnsNullWithReason()
    {
        var missing = _directory.Combine("gone");

        var watcher = DirectoryWatch.TryStart(new DirectoryWatchOptions { Directory = missing }, _ => { }, _ => { }, out var error);

        Assert.Null(watcher);
        Assert.Contains("gone", error, StringComparison.Ordinal);
    }

    private async Task<FileChange> NextAsync(Func<FileChange, bool> match)
    {
        // The deadline only bounds the wait: events arrive asynchronously.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var change = await _changes.Reader.ReadAsync(deadline.Token);
            if (match(change))
            {
                return change;
            }
        }
    }
}

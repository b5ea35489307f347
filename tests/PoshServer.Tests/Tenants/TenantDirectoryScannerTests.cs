using PoshServer.Tenants;
using PoshTesting;

namespace PoshServer.Tests.Tenants;

/// <summary>
/// A full load lists every tenant file: with the names the reader remembers it allocates no new string for a known
/// file (issue 9: a reload's garbage at 100,000 tenants), and still lists new files and only tenant files, which
/// <see cref="TenantDirectoryScanner.SortByName"/> puts in ordinal name order.
/// On Linux it lists with readdir and statx (<see cref="PosixDirectoryListing"/>); the runtime's enumerator, used
/// elsewhere, is held to the same results.
/// </summary>
public sealed class TenantDirectoryScannerTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly TenantsOptions _options = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void SortByName_RandomNames_GivesOrdinalOrder(int seed)
    {
        // Names alike in their first eight characters (the sort key), prefixes of each other, shorter than the key,
        // and beyond ASCII (surrogates and the top of the BMP included): ordinal order, as string.CompareOrdinal gives.
        var random = new Random(seed);
        const string alphabet = "ab.-0z~\u00e9\u4e2d\ud83d\ude00\uffff";
        string[] prefixes = ["", "customer", "customer-", "t", "xn--", "\u00fcber"];
        var names = Enumerable.Range(0, 2_000)
            .Select(_ => prefixes[random.Next(prefixes.Length)] + new string([.. Enumerable.Range(0, random.Next(0, 12)).Select(_ => alphabet[random.Next(alphabet.Length)])]) + ".yaml")
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var files = names.Select(name => new ListedTenantFile(name, null)).ToList();

        TenantDirectoryScanner.SortByName(files);

        Assert.Equal(names.Order(StringComparer.Ordinal), files.Select(f => f.Name));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void List_NamesTheReaderRemembers_AreItsInstances(bool runtimeEnumerator)
    {
        // Arrange
        var (reader, first) = ListAndRead("alpha.yaml");

        // Act
        var again = Assert.Single(TenantDirectoryScanner.List(_directory.Path, _options, remembered: reader, runtimeEnumerator: runtimeEnumerator).Files!);

        // Assert
        Assert.Same(first.Name, again.Name);
        Assert.Equal(first.Stamp, again.Stamp);
        Assert.Same(reader.Find(first.Name), again.Remembered);
    }

    [Fact]
    public void List_NewFilesBesideRememberedOnes_ListsEveryTenantFileInOrder()
    {
        // Arrange
        var (reader, bravo) = ListAndRead("bravo.yaml");
        Write("alpha.yml", "domain: alpha.example\n");
        Write("charlie.yaml", "domain: charlie.example\n");
        Write("_certificate-sets.yaml", "default:\n  certificates: []\n");
        Write(".hidden.yaml", "domain: hidden.example\n");
        Write("notes.txt", "not a tenant\n");

        // Act
        var files = TenantDirectoryScanner.List(_directory.Path, _options, remembered: reader).Files!;
        TenantDirectoryScanner.SortByName(files);

        // Assert
        Assert.Equal(["alpha.yml", "bravo.yaml", "charlie.yaml"], files.Select(f => f.Name));
        Assert.Same(bravo.Name, files[1].Name);
        Assert.All(files, f => Assert.NotNull(f.Stamp));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void List_EveryKindOfEntry_StampsAsTheProbeGivesThemAndNoDirectories(bool runtimeEnumerator)
    {
        // Arrange: files of different sizes and times (to the nanosecond the file system keeps), links to a file, to a
        // directory and to nothing, a directory with a tenant file's name, a name outside ASCII.
        Write("plain.yaml", "domain: plain.example\n");
        Write("larger.yml", $"domain: larger.example\n# {new string('x', 5000)}\n");
        File.SetLastWriteTimeUtc(_directory.Combine("larger.yml"), new DateTime(2021, 3, 4, 5, 6, 7, DateTimeKind.Utc).AddTicks(1234567));
        Write("bücher.yaml", "domain: xn--bcher-kva.example\n");
        File.CreateSymbolicLink(_directory.Combine("linked.yaml"), _directory.Combine("plain.yaml"));
        File.CreateSymbolicLink(_directory.Combine("dangling.yaml"), _directory.Combine("missing.yaml"));
        Directory.CreateDirectory(_directory.Combine("folder.yaml"));
        Directory.CreateSymbolicLink(_directory.Combine("folder-link.yaml"), _directory.Combine("folder.yaml"));
        Write("readme.md", "not a tenant\n");

        // Act
        var files = TenantDirectoryScanner.List(_directory.Path, _options, runtimeEnumerator: runtimeEnumerator).Files!;
        TenantDirectoryScanner.SortByName(files);

        // Assert: links carry no stamp (their target is examined when read); every other stamp is the probe's.
        Assert.Equal(["bücher.yaml", "dangling.yaml", "larger.yml", "linked.yaml", "plain.yaml"], files.Select(f => f.Name));
        foreach (var file in files)
        {
            var probe = TenantDirectoryScanner.Probe(_directory.Path, file.Name);
            Assert.Equal(probe.Stamp, file.Stamp);
            Assert.Equal(file.Name is "linked.yaml" or "dangling.yaml", file.Stamp is null);
        }

        Assert.Equal(new TenantFileStamp(new FileInfo(_directory.Combine("larger.yml")).Length, new DateTime(2021, 3, 4, 5, 6, 7, DateTimeKind.Utc).AddTicks(1234567)), files[2].Stamp);
    }

    [Fact]
    public void TryList_On64BitLinux_ListsWithoutTheRuntimesEnumerator()
    {
        // Arrange
        Write("plain.yaml", "domain: plain.example\n");
        var files = new List<ListedTenantFile>();

        // Act
        var listed = PosixDirectoryListing.TryList(_directory.Path, _options, pace: null, remembered: null, files, out var error);

        // Assert
        Assert.Equal(OperatingSystem.IsLinux() && Environment.Is64BitProcess, listed);
        Assert.Null(error);
        Assert.Equal(listed ? ["plain.yaml"] : [], files.Select(f => f.Name));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void List_DirectoryGone_SaysWhyInsteadOfListingNothing(bool runtimeEnumerator)
    {
        // Act
        var listing = TenantDirectoryScanner.List(_directory.Combine("gone"), _options, runtimeEnumerator: runtimeEnumerator);

        // Assert
        Assert.Null(listing.Files);
        Assert.Contains("cannot be listed", listing.Error, StringComparison.Ordinal);
    }

    /// <summary>Writes one tenant file, lists it and reads it once, so the reader remembers its name.</summary>
    private (TenantFileReader Reader, ListedTenantFile File) ListAndRead(string name)
    {
        Write(name, $"domain: {Path.GetFileNameWithoutExtension(name)}.example\n");
        var reader = new TenantFileReader(_options);
        var file = Assert.Single(TenantDirectoryScanner.List(_directory.Path, _options).Files!);
        reader.Read(_directory.Path, file.Name, file.Stamp);
        return (reader, file);
    }

    private void Write(string name, string text) => File.WriteAllText(_directory.Combine(name), text);
}

using PoshServer.Tenants;
using PoshTesting;

namespace PoshServer.Tests.Tenants;

/// <summary>
/// A full load lists every tenant file: with the names the reader remembers it allocates no new string for a known
/// file (issue 9: a reload's garbage at 100,000 tenants), and still lists new files and only tenant files, in order.
/// </summary>
public sealed class TenantDirectoryScannerTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly TenantsOptions _options = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void List_NamesTheReaderRemembers_AreItsInstances()
    {
        // Arrange
        var (reader, first) = ListAndRead("alpha.yaml");

        // Act
        var again = Assert.Single(TenantDirectoryScanner.List(_directory.Path, _options, remembered: reader).Files!);

        // Assert
        Assert.Same(first.Name, again.Name);
        Assert.Equal(first.Stamp, again.Stamp);
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

        // Assert
        Assert.Equal(["alpha.yml", "bravo.yaml", "charlie.yaml"], files.Select(f => f.Name));
        Assert.Same(bravo.Name, files[1].Name);
        Assert.All(files, f => Assert.NotNull(f.Stamp));
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

using System.Security.Cryptography;
using PoshServer.Acme;
using PoshTesting;

namespace PoshServer.Tests.Acme;

public sealed class AcmeStorageTests : IDisposable
{
    private readonly TempDirectory _directory = new("acme-storage-unit-");
    private readonly TestCertificateAuthority _authority = new();

    [Fact]
    public async Task GetOrCreateAccountKey_TwoInstances_SameKeyStoredWithMode0600()
    {
        // Act
        using var one = new AcmeStorage(_directory.Path);
        using var two = new AcmeStorage(_directory.Path);
        var first = (await one.GetOrCreateAccountKeyAsync()).Thumbprint;
        var second = (await two.GetOrCreateAccountKeyAsync()).Thumbprint;

        // Assert
        Assert.Equal(first, second);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, UnixMode(_directory.Combine("account.key.pem")));
        Assert.Empty(Directory.GetFiles(_directory.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task SaveState_ThenLoadFromNewInstance_RoundTrips()
    {
        // Arrange
        var state = new AcmeNameState
        {
            HostName = "state.example.test",
            Status = AcmeNameStatus.Failed,
            FailureCount = 3,
            LastError = "urn:ietf:params:acme:error:connection: refused",
            NextAttempt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        };

        // Act
        await new AcmeStorage(_directory.Path).SaveStateAsync(state);
        var loaded = await new AcmeStorage(_directory.Path).LoadStateAsync("state.example.test");

        // Assert
        Assert.Equal(state, loaded);
        Assert.Contains("\"status\": \"Failed\"", File.ReadAllText(_directory.Combine("names", "state.example.test", "state.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadCertificate_KilledBetweenChainAndKeyMove_RepairsFromPendingKey()
    {
        // Arrange: a new chain was written but the pending key never moved over the old key.
        var storage = new AcmeStorage(_directory.Path);
        const string name = "repair.example.test";
        using (var old = _authority.Issue([name]))
        {
            using var pending = await storage.GetOrCreatePendingKeyAsync(name);
            await storage.InstallCertificateAsync(name, old.ExportCertificatePem());
        }

        using var newKey = await storage.GetOrCreatePendingKeyAsync(name);
        var leaf = IssueFor(name, newKey);
        File.WriteAllText(_directory.Combine("names", name, "chain.pem"), leaf.ExportCertificatePem() + "\n" + _authority.Certificate.ExportCertificatePem());

        // Act
        var loaded = await new AcmeStorage(_directory.Path).LoadCertificateAsync(name);

        // Assert
        Assert.NotNull(loaded);
        Assert.True(loaded.Leaf.HasPrivateKey);
        Assert.Equal(leaf.Thumbprint, loaded.Leaf.Thumbprint);
        Assert.Single(loaded.Intermediates);
        Assert.False(File.Exists(_directory.Combine("names", name, "pending-key.pem")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, UnixMode(_directory.Combine("names", name, "key.pem")));
    }

    [Fact]
    public async Task LoadCertificate_KeyDoesNotMatch_ReturnsNull()
    {
        var storage = new AcmeStorage(_directory.Path);
        const string name = "mismatch.example.test";
        using (await storage.GetOrCreatePendingKeyAsync(name))
        using (var other = _authority.Issue([name]))
        {
            await storage.InstallCertificateAsync(name, other.ExportCertificatePem());
        }

        Assert.Null(await storage.LoadCertificateAsync(name));
    }

    [Fact]
    public async Task RemoveStaleTempFiles_LeftoverTempFile_DeletedTargetsIntact()
    {
        // Arrange: what a kill during a write leaves: a temp file next to the intact target.
        var storage = new AcmeStorage(_directory.Path);
        await storage.SaveStateAsync(new AcmeNameState { HostName = "temp.example.test" });
        var temp = _directory.Combine("names", "temp.example.test", ".state.json.0A1B2C.tmp");
        File.WriteAllText(temp, "{\"hostName\": \"temp.exa");

        // Act
        var removed = storage.RemoveStaleTempFiles();

        // Assert
        Assert.Equal(1, removed);
        Assert.False(File.Exists(temp));
        Assert.NotNull(await new AcmeStorage(_directory.Path).LoadStateAsync("temp.example.test"));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("UPPER.example")]
    [InlineData("")]
    public async Task LoadState_InvalidName_Throws(string name) =>
        await Assert.ThrowsAsync<ArgumentException>(() => new AcmeStorage(_directory.Path).LoadStateAsync(name));

    public void Dispose()
    {
        _authority.Dispose();
        _directory.Dispose();
    }

    // Windows has no Unix modes; the product code skips them there too.
    private static UnixFileMode UnixMode(string path) =>
        OperatingSystem.IsWindows() ? UnixFileMode.UserRead | UnixFileMode.UserWrite : File.GetUnixFileMode(path);

    private System.Security.Cryptography.X509Certificates.X509Certificate2 IssueFor(string name, ECDsa key)
    {
        var request = TestCertificates.CreateLeafRequest(key, [name]);
        return request.Create(_authority.Certificate, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), [1, 2, 3, 4]);
    }
}

using System.Net;
using PoshClient.Documents;
using PoshServer.Export;

namespace PoshServer.Tests.Export;

public sealed class StaticExportLayoutTests : IDisposable
{
    private const string Hoster = ExportHost.HosterName;

    private readonly TenantWorld _world = new();

    public void Dispose() => _world.Dispose();

    [Fact]
    public async Task Build_Tenant_WellKnownOnItsDomainAndPerTenantFilesOnTheHosterName()
    {
        // Arrange
        _world.WriteTenant("example.com.yaml", "domain: example.com\n");
        await using var host = ExportHost.Start(_world.Path);

        // Act
        var files = host.Layout.Build(host.Store.Current);

        // Assert: exactly the paths PoshEndpoints answers with 200, per Host.
        Assert.Equal(
            [
                ("example.com", "/.well-known/posh/xmpp-client.json"),
                ("example.com", "/.well-known/posh/xmpp-server.json"),
                (Hoster, "/.well-known/posh/xmpp-client.json"),
                (Hoster, "/.well-known/posh/xmpp-server.json"),
                (Hoster, "/posh/example.com/reference/xmpp-client.json"),
                (Hoster, "/posh/example.com/reference/xmpp-server.json"),
                (Hoster, "/posh/example.com/setup"),
                (Hoster, "/posh/example.com/xmpp-client.json"),
                (Hoster, "/posh/example.com/xmpp-server.json"),
            ],
            files.Select(f => (f.Host, f.UrlPath)));
        Assert.True(host.Store.Current.TryGetTenant("example.com", out var entry));
        var wellKnown = files.Single(f => f.Host == "example.com" && f.UrlPath.EndsWith("xmpp-server.json", StringComparison.Ordinal));
        Assert.Equal(entry.DocumentFor(PoshService.XmppServer)!.Body, wellKnown.Body.ToArray());
        Assert.Equal(entry.DocumentFor(PoshService.XmppServer)!.ETag, wellKnown.ETag);
        Assert.Equal(StaticExportLayout.JsonContentType, wellKnown.ContentType);
        Assert.Equal("attachment; filename=\"xmpp-client.json\"", files.Single(f => f.UrlPath == "/posh/example.com/reference/xmpp-client.json").ContentDisposition);
    }

    [Fact]
    public async Task Build_DisabledTenant_HasNoFiles()
    {
        // Arrange: a disabled tenant answers 404 everywhere (its delegation is revoked).
        _world.WriteTenant("example.com.yaml", "domain: example.com\ndisabled: true\n");
        await using var host = ExportHost.Start(_world.Path);

        // Act
        var files = host.Layout.Build(host.Store.Current);

        // Assert: only the hoster's own documents remain.
        Assert.All(files, f => Assert.Equal(Hoster, f.Host));
        Assert.DoesNotContain(files, f => f.UrlPath.Contains("example.com", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Build_ServiceNotOffered_HasNoFileForIt()
    {
        // Arrange
        _world.WriteTenant("example.com.yaml", "domain: example.com\nservices: [xmpp-server]\n");
        await using var host = ExportHost.Start(_world.Path);

        // Act
        var paths = host.Layout.Build(host.Store.Current).Select(f => f.Host + f.UrlPath).ToList();

        // Assert: RFC 7712 §9: a service not offered is a 404, so no file.
        Assert.Contains("example.com/.well-known/posh/xmpp-server.json", paths);
        Assert.DoesNotContain("example.com/.well-known/posh/xmpp-client.json", paths);
        Assert.DoesNotContain(Hoster + "/posh/example.com/xmpp-client.json", paths);
        Assert.DoesNotContain(Hoster + "/posh/example.com/reference/xmpp-client.json", paths);
    }

    [Fact]
    public async Task Build_EveryFile_IsWhatTheServerAnswersForItsHostAndPath()
    {
        // Arrange: the running server on the same directory is the reference.
        _world.WriteTenant("example.com.yaml", "domain: example.com\nexpires: 7200\n");
        _world.WriteTenant("example.org.yaml", "domain: example.org\nservices: [xmpp-client]\n");
        _world.WriteTenant("off.example.yaml", "domain: off.example\ndisabled: true\n");
        await using var server = await PoshServerHost.StartAsync(_world.Path);
        await using var host = ExportHost.Start(_world.Path);
        using var client = server.CreateClient();

        // Act
        var files = host.Layout.Build(host.Store.Current);

        // Assert: the same bytes and headers, file by file.
        Assert.Equal(13, files.Count);
        foreach (var file in files)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"https://{file.Host}{file.UrlPath}"));
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(file.Body.ToArray(), await response.Content.ReadAsByteArrayAsync());
            Assert.Equal(file.ContentType, response.Content.Headers.ContentType!.ToString());
            Assert.Equal(file.ContentDisposition, response.Content.Headers.ContentDisposition?.ToString());
            if (response.Headers.ETag is { } etag)
            {
                Assert.Equal(file.ETag, etag.Tag);
            }
            else
            {
                // The set-up guide is rendered per request and carries no ETag; everything else does.
                Assert.EndsWith("/setup", file.UrlPath, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData("example.com", true)]
    [InlineData("xn--bcher-kva.example", true)]
    [InlineData("localhost", true)]
    [InlineData("..", false)]
    [InlineData("a/../../etc", false)]
    [InlineData(".example.com", false)]
    [InlineData("Example.com", false)]
    [InlineData("", false)]
    public void IsSafeHostDirectory_Name_OnlyPlainLowerCaseDnsNames(string host, bool expected) =>
        Assert.Equal(expected, StaticExportLayout.IsSafeHostDirectory(host));
}

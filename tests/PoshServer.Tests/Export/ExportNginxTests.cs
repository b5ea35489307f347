using System.Net;
using System.Net.Http.Headers;
using PoshClient.Documents;
using PoshClient.Verification;

namespace PoshServer.Tests.Export;

/// <summary>An export served by a real nginx with the generated configuration, verified by PoshClient as a peer would.</summary>
public sealed class ExportNginxTests
{
    private const string Hoster = ExportNginxWorld.Hoster;
    private const string Direct = ExportNginxWorld.DirectDomain;
    private const string Reference = ExportNginxWorld.ReferenceDomain;

    [Fact]
    public async Task Export_ServedByNginx_PoshClientVerifiesTenantsAndRemovingOrDisablingRevokes()
    {
        // Arrange
        await using var world = await ExportNginxWorld.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // Act + Assert: by Host (the export's /.well-known/posh/ for the tenant), and through the tenant's reference
        // file to the export's per-tenant URL (RFC 7711 §3.2).
        using (var verifier = world.CreateVerifier())
        {
            var direct = await verifier.VerifyAsync(Direct, PoshService.XmppServer, world.XmppCertificate, timeout.Token);
            Assert.True(direct.Outcome == PoshVerificationOutcome.VerifiedByPosh, direct.Reason + "\n" + world.Logs);
            var delegated = await verifier.VerifyAsync(Reference, PoshService.XmppClient, world.XmppCertificate, timeout.Token);
            Assert.True(delegated.Outcome == PoshVerificationOutcome.VerifiedByPosh, delegated.Reason + "\n" + world.Logs);
            Assert.Contains($"https://{Hoster}/posh/{Reference}/xmpp-client.json", delegated.Reason, StringComparison.Ordinal);
        }

        // Removing the tenant's file: the watcher reloads, the export switches, nginx serves 404 at the reference's target.
        var before = world.Exports.Last().Generation;
        File.Delete(world.TenantsPath(Reference + ".yaml"));
        var removed = await world.WaitForExportAsync(before);
        Assert.False(Directory.Exists(Path.Combine(world.ExportDirectory, "current", "hosts", Hoster, "posh", Reference)));
        using (var verifier = world.CreateVerifier())
        {
            var revoked = await verifier.VerifyAsync(Reference, PoshService.XmppClient, world.XmppCertificate, timeout.Token);
            Assert.Equal(PoshVerificationOutcome.NoPoshMaterial, revoked.Outcome);
            Assert.Contains("404", revoked.Reason, StringComparison.Ordinal);
            var stillServed = await verifier.VerifyAsync(Direct, PoshService.XmppServer, world.XmppCertificate, timeout.Token);
            Assert.True(stillServed.Outcome == PoshVerificationOutcome.VerifiedByPosh, stillServed.Reason + "\n" + world.Logs);
        }

        // Disabling the other tenant: its well-known documents go too.
        world.WriteTenant(Direct, $"domain: {Direct}\ndisabled: true\n");
        await world.WaitForExportAsync(removed.Generation);
        using (var verifier = world.CreateVerifier())
        {
            var disabled = await verifier.VerifyAsync(Direct, PoshService.XmppServer, world.XmppCertificate, timeout.Token);
            Assert.Equal(PoshVerificationOutcome.NoPoshMaterial, disabled.Outcome);
        }
    }

    [Fact]
    public async Task Export_ServedByNginx_HeadersAsPoshServerSendsThem()
    {
        // Arrange
        await using var world = await ExportNginxWorld.StartAsync();
        using var client = world.CreateHttpClient();
        Assert.True(world.Host.Store.Current.TryGetTenant(Direct, out var entry));
        var expected = entry.DocumentFor(PoshService.XmppServer)!.Body;

        // Act
        using var document = await client.GetAsync(new Uri($"https://{Hoster}/posh/{Direct}/xmpp-server.json"));
        var etag = document.Headers.ETag;
        using var revalidation = new HttpRequestMessage(HttpMethod.Get, new Uri($"https://{Direct}/.well-known/posh/xmpp-server.json"));
        revalidation.Headers.IfNoneMatch.Add(etag!);
        using var notModified = await client.SendAsync(revalidation);
        using var reference = await client.GetAsync(new Uri($"https://{Hoster}/posh/{Reference}/reference/xmpp-server.json"));
        using var setup = await client.GetAsync(new Uri($"https://{Hoster}/posh/{Direct}/setup"));
        using var perTenantOnTenantHost = await client.GetAsync(new Uri($"https://{Direct}/posh/{Direct}/xmpp-server.json"));
        using var directory = await client.GetAsync(new Uri($"https://{Hoster}/posh/{Direct}/"));
        using var unknownService = await client.GetAsync(new Uri($"https://{Direct}/.well-known/posh/xmpp-other.json"));
        using var anyCertificate = world.CreateHttpClient(anyCertificate: true);
        using var unknownHost = await anyCertificate.GetAsync(new Uri("https://unknown.test/.well-known/posh/xmpp-server.json"));

        // Assert: the snapshot's bytes, application/json, max-age=60 (RFC 7711 §6), a strong ETag that revalidates.
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.Equal(expected, await document.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/json", document.Content.Headers.ContentType?.ToString());
        Assert.Equal("max-age=60", document.Headers.CacheControl?.ToString());
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        // The same bytes on another path (the well-known one) carry the same ETag: it is a function of the bytes.
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal("max-age=60", notModified.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Equal("attachment; filename=\"xmpp-server.json\"", reference.Content.Headers.ContentDisposition?.ToString());
        Assert.Equal("max-age=60", reference.Headers.CacheControl?.ToString());
        Assert.Equal("text/plain; charset=utf-8", setup.Content.Headers.ContentType?.ToString());
        foreach (var missing in new[] { perTenantOnTenantHost, directory, unknownService, unknownHost })
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal("max-age=60", missing.Headers.CacheControl?.ToString());
        }
    }

    [Fact]
    public async Task Export_ChangedTenant_OnlyItsETagChanges()
    {
        // Arrange
        await using var world = await ExportNginxWorld.StartAsync();
        using var client = world.CreateHttpClient();
        var directBefore = await ETagAsync(client, Direct);
        var referenceBefore = await ETagAsync(client, Reference);

        // Act: a new expires changes only this tenant's document.
        var before = world.Exports.Last().Generation;
        world.WriteTenant(Direct, $"domain: {Direct}\nexpires: 7200\n");
        await world.WaitForExportAsync(before);

        // Assert: a fresh export of unchanged bytes keeps its ETag (caches keep revalidating with 304).
        Assert.NotEqual(directBefore, await ETagAsync(client, Direct));
        Assert.Equal(referenceBefore, await ETagAsync(client, Reference));
    }

    private static async Task<EntityTagHeaderValue> ETagAsync(HttpClient client, string tenant)
    {
        using var response = await client.GetAsync(new Uri($"https://{Hoster}/posh/{tenant}/xmpp-server.json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.ETag!;
    }
}

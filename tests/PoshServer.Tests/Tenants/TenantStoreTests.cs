using System.Net;
using Microsoft.Extensions.Time.Testing;
using PoshServer.Tenants;
using PoshTesting;

namespace PoshServer.Tests.Tenants;

/// <summary>Certificate expiry and pre-publication, driven by an injected clock.</summary>
public sealed class TenantStoreTests : IDisposable
{
    private readonly TenantWorld _world = new(withDefaultSet: false);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public void Dispose() => _world.Dispose();

    [Fact]
    public async Task CertificatePastNotAfter_StopsBeingPublished_WithoutAnyFileChange()
    {
        var now = _time.GetUtcNow();
        using var current = TestCertificates.SelfSigned(["xmpp.hosting.test"], now.AddDays(-80), now.AddDays(1));
        using var next = TestCertificates.SelfSigned(["xmpp.hosting.test"], now.AddDays(-1), now.AddDays(89));
        _world.WriteCertificate("certs/current.pem", current);
        _world.WriteCertificate("certs/next.pem", next);
        _world.WriteSets("default:\n  certificates: [certs/current.pem, certs/next.pem]\n");
        _world.WriteTenant("t.yaml", "domain: example.com\n");
        await using var server = await PoshServerHost.StartAsync(_world.Path, _time);
        using var client = server.CreateClient();
        var before = await client.GetStringAsync("https://example.com/.well-known/posh/xmpp-server.json");
        Assert.Equal(2, Count(before, "sha-256"));

        _time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));

        await Eventually.TrueAsync(async () => Count(await client.GetStringAsync("https://example.com/.well-known/posh/xmpp-server.json"), "sha-256") == 1, "the expired certificate is dropped");
        var store = (TenantStore)server.Services.GetService(typeof(TenantStore))!;
        Assert.Equal(Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(next.RawData)), Assert.Single(store.Current.Tenants["example.com"].Certificates).Sha256);
    }

    [Fact]
    public async Task EveryCertificateExpired_DocumentAnswers404()
    {
        var now = _time.GetUtcNow();
        using var only = TestCertificates.SelfSigned(["xmpp.hosting.test"], now.AddDays(-80), now.AddHours(1));
        _world.WriteCertificate("certs/only.pem", only);
        _world.WriteSets("default:\n  certificates: [certs/only.pem]\n");
        _world.WriteTenant("t.yaml", "domain: example.com\n");
        await using var server = await PoshServerHost.StartAsync(_world.Path, _time);
        using var client = server.CreateClient();

        _time.Advance(TimeSpan.FromHours(2));

        await Eventually.TrueAsync(async () =>
        {
            using var response = await client.GetAsync("https://example.com/.well-known/posh/xmpp-server.json");
            return response.StatusCode == HttpStatusCode.NotFound;
        }, "nothing is left to publish");
    }

    private static int Count(string text, string what) => (text.Length - text.Replace(what, string.Empty, StringComparison.Ordinal).Length) / what.Length;
}

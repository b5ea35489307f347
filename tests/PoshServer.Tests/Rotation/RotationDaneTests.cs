using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PoshClient.Dane;
using PoshServer.Rotation;
using PoshServer.Tenants;

namespace PoshServer.Tests.Rotation;

/// <summary>
/// Rotation with DANE on (Rotation:DaneTlsaTtl): the next key's 3 1 1 record is listed, and safe-at waits for the
/// TLSA RRset's TTL when that is longer than the POSH documents' expires (RFC 7671 §8.1).
/// </summary>
public sealed class RotationDaneTests
{
    [Fact]
    public async Task EvaluateAsync_DaneTtlLongerThanExpires_SafeAtCountsTheTtlAndTheNextKeyRecordIsListed()
    {
        // Arrange: expires 7200 s and a 600 s margin; TLSA records with a TTL of 3 h.
        await using var world = new RotationWorld();
        var services = world.StartServices();
        services.GetRequiredService<IOptions<RotationOptions>>().Value.DaneTlsaTtl = TimeSpan.FromHours(3);
        var coordinator = services.GetRequiredService<RotationCoordinator>();
        await coordinator.EvaluateAsync();
        var published = world.Clock.GetUtcNow();
        world.WriteNext();
        services.GetRequiredService<TenantStore>().Reload("test");

        // Act
        var status = RotationCommand.WithTlsa(Assert.Single(await coordinator.EvaluateAsync()));

        // Assert
        Assert.Equal(published + TimeSpan.FromHours(3) + TimeSpan.FromSeconds(600), status.SafeAt);
        Assert.Equal(TlsaRecords.DaneEeSpkiSha256(world.New).ToString(), status.NextTlsa);
        Assert.Contains("IN TLSA 3 1 1 ", RotationCommand.Describe(status), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateAsync_DaneOff_NoTlsaRecordListed()
    {
        await using var world = new RotationWorld();
        var services = world.StartServices();
        var coordinator = services.GetRequiredService<RotationCoordinator>();
        await coordinator.EvaluateAsync();
        world.WriteNext();
        services.GetRequiredService<TenantStore>().Reload("test");

        var status = RotationCommand.WithTlsa(Assert.Single(await coordinator.EvaluateAsync()));

        Assert.Null(status.NextTlsa);
        Assert.DoesNotContain("TLSA", RotationCommand.Describe(status), StringComparison.Ordinal);
    }
}

using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PoshServer.Acme;
using PoshTesting;

namespace PoshServer.Tests.Acme;

public sealed class AcmeHealthCheckTests : IDisposable
{
    private readonly TempDirectory _directory = new("acme-health-");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(60, 0, HealthStatus.Healthy)]
    [InlineData(10, 0, HealthStatus.Degraded)]
    [InlineData(60, 3, HealthStatus.Degraded)]
    [InlineData(60, 2, HealthStatus.Healthy)]
    public async Task CheckHealthAsync_ExpiryAndFailures_ReportsStatus(int daysLeft, int failures, HealthStatus expected)
    {
        // Arrange
        var storage = new AcmeStorage(_directory.Path);
        await storage.SaveStateAsync(new AcmeNameState { HostName = "h.example.test", NotAfter = _time.GetUtcNow().AddDays(daysLeft), FailureCount = failures, LastError = "boom" });
        using var names = new TestAcmeNameSource("h.example.test");
        var check = new AcmeHealthCheck(storage, names, Options.Create(new AcmeOptions { Enabled = true }), _time);

        // Act
        var result = await check.CheckHealthAsync(new HealthCheckContext());

        // Assert
        Assert.Equal(expected, result.Status);
    }

    public void Dispose() => _directory.Dispose();
}

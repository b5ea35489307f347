using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using PoshServer.Acme;
using PoshTesting;
using Xunit.Abstractions;

namespace PoshServer.Tests.Acme;

/// <summary>Measures (never asserts) how long the default configuration takes to issue 100 certificates against Pebble.</summary>
[Collection(PebbleTestGroup.Name)]
public sealed class AcmeThroughputTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly TempDirectory _storage = new("acme-throughput-");

    public AcmeThroughputTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public async Task ExecuteAsync_HundredNames_AllIssuedAndDurationReported()
    {
        // Arrange
        await using var pebble = await PebbleServer.StartAsync(nonceRejectPercent: 5);
        var names = Enumerable.Range(1, 100).Select(i => string.Create(CultureInfo.InvariantCulture, $"t{i:D3}.bulk.test")).ToArray();
        using var source = new TestAcmeNameSource(names);
        var stopwatch = Stopwatch.StartNew();

        // Act
        await using var host = await AcmeTestHost.StartAsync(pebble, _storage.Path, source, new FakeTimeProvider(DateTimeOffset.UtcNow));
        await AcmeWait.UntilAsync(
            () => StoredAcmeFiles.AllStates(_storage.Path).Count(state => state.Status == AcmeNameStatus.Valid) == names.Length,
            "all 100 names are issued",
            TimeSpan.FromMinutes(10));
        stopwatch.Stop();

        // Assert (the figure is reported, not judged)
        Assert.Equal(100, host.Orders);
        _output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Issued 100 certificates against Pebble (real http-01, MaxConcurrentIssuances 2) in {stopwatch.Elapsed.TotalSeconds:F1} s ({stopwatch.Elapsed.TotalMilliseconds / 100:F0} ms per name)."));
    }

    public void Dispose() => _storage.Dispose();
}

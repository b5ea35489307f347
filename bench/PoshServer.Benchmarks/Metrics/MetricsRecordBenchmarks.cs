using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using PoshServer.Metrics;

namespace PoshServer.Benchmarks.Metrics;

/// <summary>
/// The measurement path of the /metrics exporter under contention: what one served POSH document records (the
/// documents-served counter and ASP.NET Core's request-duration histogram with its five tags), from 1, 2 and 8 threads,
/// with the locking exporter this replaced (Locking) beside the lock-free one (LockFree), in the same run.
/// </summary>
[MemoryDiagnoser]
public class MetricsRecordBenchmarks
{
    private const int Requests = 40_000;

    private static readonly KeyValuePair<string, object?>[] s_durationTags =
    [
        new("http.request.method", "GET"),
        new("url.scheme", "https"),
        new("http.route", "/.well-known/posh/{file}"),
        new("http.response.status_code", 200),
        new("network.protocol.version", "1.1"),
    ];

    private ServiceProvider _services = null!;
    private IDisposable _exporter = null!;
    private PoshMetrics _metrics = null!;
    private Histogram<double> _duration = null!;

    [Params("Locking", "LockFree")]
    public string Exporter { get; set; } = "LockFree";

    [Params(1, 2, 8)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = _services.GetRequiredService<IMeterFactory>();
        _metrics = new PoshMetrics(factory);
        _duration = factory.Create("Microsoft.AspNetCore.Hosting").CreateHistogram<double>("http.server.request.duration", "s");
        _exporter = Exporter == "Locking" ? new LockingPrometheusExporter(factory, PrometheusExporter.Meters) : new PrometheusExporter(factory, PrometheusExporter.Meters);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _exporter.Dispose();
        _services.Dispose();
    }

    /// <summary>One operation = one request's measurements; the requests are split among the threads.</summary>
    [Benchmark(OperationsPerInvoke = Requests)]
    public void RecordRequest()
    {
        var perThread = Requests / Threads;
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, _ =>
        {
            for (var i = 0; i < perThread; i++)
            {
                _metrics.DocumentServed("xmpp-server", 200);
                _duration.Record(0.0004, s_durationTags);
            }
        });
    }
}

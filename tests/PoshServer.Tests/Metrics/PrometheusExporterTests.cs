using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using PoshServer.Metrics;

namespace PoshServer.Tests.Metrics;

/// <summary>The exporter's aggregation and text, with real meters from a real meter factory.</summary>
public sealed class PrometheusExporterTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly Meter _meter;
    private readonly PrometheusExporter _exporter;

    public PrometheusExporterTests()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        _meter = factory.Create(PoshMetrics.MeterName);
        _exporter = new PrometheusExporter(factory, [PoshMetrics.MeterName]);
    }

    public void Dispose()
    {
        _exporter.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void Scrape_TagsInAnyOrder_OneSeriesWithSortedLabels()
    {
        var counter = _meter.CreateCounter<long>("posh.documents.served", "{response}", "POSH documents answered.");

        counter.Add(1, new("service", "xmpp-server"), new("status", 200));
        counter.Add(2, new("status", 200), new("service", "xmpp-server"));
        counter.Add(1, new("service", "xmpp-client"), new("status", 404));

        var text = _exporter.Scrape();
        Assert.Contains("# HELP posh_documents_served POSH documents answered.\n# TYPE posh_documents_served counter\n", text, StringComparison.Ordinal);
        Assert.Contains("posh_documents_served_total{service=\"xmpp-server\",status=\"200\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("posh_documents_served_total{service=\"xmpp-client\",status=\"404\"} 1\n", text, StringComparison.Ordinal);
        Assert.Single(text.Split('\n'), line => line.StartsWith("posh_documents_served_total{service=\"xmpp-server\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Scrape_ValuesWithTheSameCheapHash_SeparateSeries()
    {
        // Same length, first, middle and last character: the measurement path's hash collides, equality tells them apart.
        var counter = _meter.CreateCounter<long>("posh.failure_reports.received", "{report}");

        counter.Add(1, new KeyValuePair<string, object?>("outcome", "abXcd"));
        counter.Add(2, new KeyValuePair<string, object?>("outcome", "aqXrd"));
        counter.Add(4, new KeyValuePair<string, object?>("outcome", "abXcd"));

        var text = _exporter.Scrape();
        Assert.Contains("posh_failure_reports_received_total{outcome=\"abXcd\"} 5\n", text, StringComparison.Ordinal);
        Assert.Contains("posh_failure_reports_received_total{outcome=\"aqXrd\"} 2\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Scrape_ConcurrentRecords_NoneLost()
    {
        var counter = _meter.CreateCounter<long>("posh.tenants.reloads", "{reload}");
        var histogram = _meter.CreateHistogram("posh.tenant_check.duration", "s", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1] });

        Parallel.For(0, 8, worker =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                counter.Add(1, new KeyValuePair<string, object?>("outcome", worker % 2 == 0 ? "ok" : "rejected"));
                histogram.Record(i % 2 == 0 ? 0.5 : 2);
            }
        });

        var text = _exporter.Scrape();
        Assert.Contains("posh_tenants_reloads_total{outcome=\"ok\"} 40000\n", text, StringComparison.Ordinal);
        Assert.Contains("posh_tenants_reloads_total{outcome=\"rejected\"} 40000\n", text, StringComparison.Ordinal);
        // le is inclusive: 0.5 lands in the 0.5 bucket; 2 only in +Inf.
        Assert.Contains("posh_tenant_check_duration_seconds_bucket{le=\"0.5\"} 40000\n", text, StringComparison.Ordinal);
        Assert.Contains("posh_tenant_check_duration_seconds_bucket{le=\"1\"} 40000\n", text, StringComparison.Ordinal);
        Assert.Contains("posh_tenant_check_duration_seconds_bucket{le=\"+Inf\"} 80000\n", text, StringComparison.Ordinal);
        Assert.Contains("posh_tenant_check_duration_seconds_sum 100000\n", text, StringComparison.Ordinal);
        Assert.Contains("posh_tenant_check_duration_seconds_count 80000\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Scrape_ObservableGauge_OnlyTheCurrentCallbacksSeries()
    {
        var sets = new List<string> { "default", "old" };
        _meter.CreateObservableGauge("posh.rotation.phase", () => sets.Select(s => new Measurement<int>(1, new KeyValuePair<string, object?>("set", s))), "{set}");

        var first = _exporter.Scrape();
        sets.Remove("old");
        var second = _exporter.Scrape();

        Assert.Contains("posh_rotation_phase{set=\"old\"} 1\n", first, StringComparison.Ordinal);
        Assert.Contains("posh_rotation_phase{set=\"default\"} 1\n", second, StringComparison.Ordinal);
        Assert.DoesNotContain("set=\"old\"", second, StringComparison.Ordinal);
    }

    [Fact]
    public void Scrape_OtherMeterName_NotExported()
    {
        using var other = new Meter("Someone.Else");
        other.CreateCounter<long>("else.count").Add(1);

        Assert.DoesNotContain("else_count", _exporter.Scrape(), StringComparison.Ordinal);
    }
}

using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace PoshServer.Benchmarks.Metrics;

/// <summary>
/// The exporter as it was before the measurement path was made lock-free (one global lock, label sorting and string
/// joins on every measurement), kept verbatim apart from its constructor as the benchmark's baseline.
/// </summary>
internal sealed class LockingPrometheusExporter : IDisposable
{
    // OpenTelemetry's default boundaries, for histograms that bring no advice.
    private static readonly double[] s_defaultBuckets = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<Instrument, InstrumentData> _instruments = [];

    public LockingPrometheusExporter(IMeterFactory meterFactory, IReadOnlyList<string> meters)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && meters.Contains(instrument.Meter.Name, StringComparer.Ordinal))
            {
                lock (_gate)
                {
                    _instruments[instrument] = new InstrumentData(instrument);
                }

                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.MeasurementsCompleted = (instrument, _) =>
        {
            lock (_gate)
            {
                _instruments.Remove(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public string Scrape()
    {
        lock (_gate)
        {
            foreach (var data in _instruments.Values.Where(d => d.Instrument.IsObservable))
            {
                data.Series.Clear();
            }
        }

        // Observable callbacks run synchronously here and land in Record.
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        lock (_gate)
        {
            foreach (var data in _instruments.Values.OrderBy(d => d.Name, StringComparer.Ordinal))
            {
                data.Write(text);
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = Labels(tags);
        lock (_gate)
        {
            if (_instruments.TryGetValue(instrument, out var data))
            {
                data.Record(labels, value);
            }
        }
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return string.Empty;
        }

        var pairs = new List<(string Key, string Value)>(tags.Length);
        foreach (var tag in tags)
        {
            pairs.Add((Sanitize(tag.Key), Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty));
        }

        return string.Join(',', pairs.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}=\"{Escape(p.Value)}\""));
    }

    private static string Sanitize(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_').ToArray();
        return char.IsAsciiDigit(chars[0]) ? "_" + new string(chars) : new string(chars);
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private enum Kind
    {
        Counter,
        Gauge,
        Histogram,
    }

    private sealed class InstrumentData
    {
        public InstrumentData(Instrument instrument)
        {
            Instrument = instrument;
            var definition = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : instrument.GetType();
            Kind = definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>) ? Kind.Counter
                : definition == typeof(Histogram<>) ? Kind.Histogram
                : Kind.Gauge;
            var unit = instrument.Unit switch
            {
                "s" => "_seconds",
                "ms" => "_milliseconds",
                "By" => "_bytes",
                "d" => "_days",
                _ => string.Empty,
            };
            var baseName = Sanitize(instrument.Name);
            Name = baseName + (baseName.EndsWith(unit, StringComparison.Ordinal) ? string.Empty : unit) + (Kind == Kind.Counter ? "_total" : string.Empty);
            Buckets = instrument switch
            {
                Instrument<double> d when d.Advice?.HistogramBucketBoundaries is { } b => [.. b],
                Instrument<long> l when l.Advice?.HistogramBucketBoundaries is { } b => [.. b.Select(x => (double)x)],
                Instrument<int> i when i.Advice?.HistogramBucketBoundaries is { } b => [.. b.Select(x => (double)x)],
                _ => s_defaultBuckets,
            };
        }

        public Instrument Instrument { get; }

        public string Name { get; }

        public Dictionary<string, Series> Series { get; } = new(StringComparer.Ordinal);

        private Kind Kind { get; }

        private double[] Buckets { get; }

        public void Record(string labels, double value)
        {
            if (!Series.TryGetValue(labels, out var series))
            {
                series = new Series(Buckets.Length);
                Series[labels] = series;
            }

            if (Kind == Kind.Histogram)
            {
                var index = Array.FindIndex(Buckets, b => value <= b);
                series.Counts[index < 0 ? Buckets.Length : index]++;
                series.Sum += value;
                series.Count++;
            }
            else if (Instrument.IsObservable)
            {
                // Observable counters report the running total, gauges the current value: keep the last.
                series.Sum = value;
            }
            else
            {
                series.Sum += value;
            }
        }

        public void Write(StringBuilder text)
        {
            if (Series.Count == 0)
            {
                return;
            }

            var family = Kind == Kind.Counter ? Name[..^"_total".Length] : Name;
            if (Instrument.Description is { Length: > 0 } description)
            {
                text.Append("# HELP ").Append(family).Append(' ').Append(description.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
            }

            text.Append("# TYPE ").Append(family).Append(' ').Append(Kind switch { Kind.Counter => "counter", Kind.Histogram => "histogram", _ => "gauge" }).Append('\n');
            foreach (var (labels, series) in Series.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                if (Kind != Kind.Histogram)
                {
                    Line(text, Name, labels, null, series.Sum);
                    continue;
                }

                long cumulative = 0;
                for (var i = 0; i < Buckets.Length; i++)
                {
                    cumulative += series.Counts[i];
                    Line(text, Name + "_bucket", labels, "le=\"" + Number(Buckets[i]) + "\"", cumulative);
                }

                Line(text, Name + "_bucket", labels, "le=\"+Inf\"", series.Count);
                Line(text, Name + "_sum", labels, null, series.Sum);
                Line(text, Name + "_count", labels, null, series.Count);
            }
        }

        private static void Line(StringBuilder text, string name, string labels, string? extra, double value)
        {
            text.Append(name);
            var all = string.Join(',', new[] { labels, extra }.Where(l => !string.IsNullOrEmpty(l)));
            if (all.Length > 0)
            {
                text.Append('{').Append(all).Append('}');
            }

            text.Append(' ').Append(Number(value)).Append('\n');
        }
    }

    private sealed class Series(int buckets)
    {
        public long[] Counts { get; } = new long[buckets + 1];

        public double Sum { get; set; }

        public long Count { get; set; }
    }
}

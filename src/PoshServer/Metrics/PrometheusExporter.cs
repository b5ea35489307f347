using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace PoshServer.Metrics;

/// <summary>
/// Prometheus text exposition (format 0.0.4) of System.Diagnostics.Metrics instruments. A <see cref="MeterListener"/>
/// aggregates the meters created by this host's <see cref="IMeterFactory"/> (never another host's in the same process):
/// counters and up-down counters as sums, histograms as cumulative buckets with _sum and _count, observable instruments
/// read at scrape time.
/// Included meters: PoshServer, PoshServer.Acme, Microsoft.AspNetCore.Hosting (request duration, active requests) and
/// Microsoft.AspNetCore.Server.Kestrel (connections, TLS handshakes); their tags are bounded (route templates, not paths).
/// <para>
/// The measurement path (every request records a few) takes no lock, sorts nothing and builds no string once a series
/// exists: the instrument's aggregate arrives as the listener's state, the series is found by the tags as passed
/// (a lookup keyed by the span, without copying it), and values are added with interlocked operations. Sorting, label
/// text and the lock that keeps two scrapes apart are the scrape's cost. Why not prometheus-net or OpenTelemetry's
/// Prometheus exporter: see README "Metrics and telemetry".
/// </para>
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    public static readonly IReadOnlyList<string> Meters = [PoshMetrics.MeterName, "PoshServer.Acme", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"];

    // OpenTelemetry's default boundaries, for histograms that bring no advice.
    private static readonly double[] s_defaultBuckets = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly MeterListener _listener = new();
    private readonly Lock _scrapeGate = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentData> _instruments = new();

    public PrometheusExporter(IMeterFactory meterFactory, PoshMetrics metrics, PoshGauges gauges)
        : this(meterFactory, Meters)
    {
        // The instruments must exist before the listener starts watching: constructing these creates them.
        _ = metrics;
        _ = gauges;
    }

    /// <summary>Exports the named meters of <paramref name="meterFactory"/> (the benchmark and tests use this directly).</summary>
    public PrometheusExporter(IMeterFactory meterFactory, IReadOnlyList<string> meters)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && meters.Contains(instrument.Meter.Name, StringComparer.Ordinal))
            {
                var data = _instruments.GetOrAdd(instrument, static i => new InstrumentData(i));
                listener.EnableMeasurementEvents(instrument, data);
            }
        };
        _listener.MeasurementsCompleted = Forget;
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentData)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentData)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentData)state!).Record(value, tags));
        _listener.Start();
    }

    public string Scrape()
    {
        var text = new StringBuilder();
        lock (_scrapeGate)
        {
            // Observable instruments report only what their callbacks return now: forget the previous scrape's series.
            foreach (var data in _instruments.Values.Where(d => d.Instrument.IsObservable))
            {
                data.Clear();
            }

            // Observable callbacks run synchronously here and land in Record.
            _listener.RecordObservableInstruments();
            foreach (var data in _instruments.Values.OrderBy(d => d.Name, StringComparer.Ordinal))
            {
                data.Write(text);
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Forget(Instrument instrument, object? state) => _instruments.TryRemove(instrument, out _);

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

    /// <summary>Adds without a lock; compares bits, so a NaN sum does not spin forever.</summary>
    private static void Add(ref double location, double value)
    {
        var current = Volatile.Read(ref location);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref location, current + value, current);
            if (BitConverter.DoubleToInt64Bits(seen) == BitConverter.DoubleToInt64Bits(current))
            {
                return;
            }

            current = seen;
        }
    }

    private enum Kind
    {
        Counter,
        Gauge,
        Histogram,
    }

    private sealed class InstrumentData
    {
        // Series by the tags exactly as recorded (found without copying them), and by their label text: tags passed in
        // another order are another key but the same series.
        private readonly ConcurrentDictionary<SeriesKey, Series> _byTags = new(SeriesKeyComparer.Instance);
        private readonly ConcurrentDictionary<SeriesKey, Series>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _lookup;
        private readonly ConcurrentDictionary<string, Series> _byLabels = new(StringComparer.Ordinal);

        public InstrumentData(Instrument instrument)
        {
            Instrument = instrument;
            _lookup = _byTags.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
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

        private Kind Kind { get; }

        private double[] Buckets { get; }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (!_lookup.TryGetValue(tags, out var series))
            {
                series = AddSeries(tags);
            }

            if (Kind == Kind.Histogram)
            {
                // The first bucket whose upper bound is >= value (le is inclusive); past the last, the +Inf bucket.
                var index = Array.BinarySearch(Buckets, value);
                Interlocked.Increment(ref series.Counts[index >= 0 ? index : ~index]);
                Add(ref series.Sum, value);
            }
            else if (Instrument.IsObservable)
            {
                // Observable counters report the running total, gauges the current value: keep the last.
                Volatile.Write(ref series.Sum, value);
            }
            else
            {
                Add(ref series.Sum, value);
            }
        }

        public void Clear()
        {
            _byTags.Clear();
            _byLabels.Clear();
        }

        public void Write(StringBuilder text)
        {
            if (_byLabels.IsEmpty)
            {
                return;
            }

            var family = Kind == Kind.Counter ? Name[..^"_total".Length] : Name;
            if (Instrument.Description is { Length: > 0 } description)
            {
                text.Append("# HELP ").Append(family).Append(' ').Append(description.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
            }

            text.Append("# TYPE ").Append(family).Append(' ').Append(Kind switch { Kind.Counter => "counter", Kind.Histogram => "histogram", _ => "gauge" }).Append('\n');
            foreach (var (labels, series) in _byLabels.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                if (Kind != Kind.Histogram)
                {
                    Line(text, Name, labels, null, Volatile.Read(ref series.Sum));
                    continue;
                }

                // Buckets are read one by one while requests go on: _count is the cumulative total of what was read,
                // so the +Inf bucket and _count always agree within a scrape.
                long cumulative = 0;
                for (var i = 0; i < Buckets.Length; i++)
                {
                    cumulative += Volatile.Read(ref series.Counts[i]);
                    Line(text, Name + "_bucket", labels, "le=\"" + Number(Buckets[i]) + "\"", cumulative);
                }

                cumulative += Volatile.Read(ref series.Counts[Buckets.Length]);
                Line(text, Name + "_bucket", labels, "le=\"+Inf\"", cumulative);
                Line(text, Name + "_sum", labels, null, Volatile.Read(ref series.Sum));
                Line(text, Name + "_count", labels, null, cumulative);
            }
        }

        /// <summary>The first measurement of a tag combination: the only one that builds label text.</summary>
        private Series AddSeries(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var series = _byLabels.GetOrAdd(Labels(tags), static (_, buckets) => new Series(buckets), Buckets.Length);
            return _byTags.GetOrAdd(new SeriesKey(tags.ToArray()), series);
        }

        private static void Line(StringBuilder text, string name, string labels, string? extra, double value)
        {
            text.Append(name);
            if (labels.Length > 0 || extra is not null)
            {
                text.Append('{').Append(labels);
                if (labels.Length > 0 && extra is not null)
                {
                    text.Append(',');
                }

                text.Append(extra).Append('}');
            }

            text.Append(' ').Append(Number(value)).Append('\n');
        }
    }

    /// <summary>One label combination's aggregate; fields, so that interlocked operations can take them by reference.</summary>
    private sealed class Series(int buckets)
    {
        public readonly long[] Counts = new long[buckets + 1];

        public double Sum;
    }

    /// <summary>A copy of the tags, made once per series.</summary>
    private sealed class SeriesKey(KeyValuePair<string, object?>[] tags)
    {
        public KeyValuePair<string, object?>[] Tags { get; } = tags;
    }

    private sealed class SeriesKeyComparer : IEqualityComparer<SeriesKey>, IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, SeriesKey>
    {
        public static readonly SeriesKeyComparer Instance = new();

        public bool Equals(SeriesKey? x, SeriesKey? y) => ReferenceEquals(x, y) || (x is not null && y is not null && Equals((ReadOnlySpan<KeyValuePair<string, object?>>)x.Tags, y));

        public int GetHashCode(SeriesKey obj) => GetHashCode((ReadOnlySpan<KeyValuePair<string, object?>>)obj.Tags);

        public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> alternate, SeriesKey other)
        {
            var tags = other.Tags;
            if (alternate.Length != tags.Length)
            {
                return false;
            }

            for (var i = 0; i < tags.Length; i++)
            {
                if (!string.Equals(alternate[i].Key, tags[i].Key, StringComparison.Ordinal) || !object.Equals(alternate[i].Value, tags[i].Value))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// A cheap hash of the values only. An instrument has a handful of series whose tags come from bounded sets, so a
        /// collision costs one more <see cref="Equals(ReadOnlySpan{KeyValuePair{string, object}}, SeriesKey)"/>, while
        /// every request pays for the hash of each of its measurements: a seeded string hash (Marvin) over every key and
        /// value was 4 % of an HTTP/2 request's CPU (bench/README.md, "Issue 9, twelfth pass"). A predictable hash is
        /// safe here because no tag value comes from a peer: ASP.NET Core reports unknown methods as _OTHER and routes
        /// as templates, the included meters' other tags are the server's own (see the class summary).
        /// </summary>
        public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> alternate)
        {
            var hash = alternate.Length;
            foreach (var tag in alternate)
            {
                hash = (hash * 31) + tag.Value switch
                {
                    null => 0,
                    // Length and three characters tell the bounded values apart ("GET"/"HEAD", "xmpp-client"/"-server").
                    string { Length: > 0 } text => (text.Length << 21) ^ (text[0] << 14) ^ (text[text.Length / 2] << 7) ^ text[^1],
                    string => 0,
                    int number => number,
                    var value => value.GetHashCode(),
                };
            }

            return hash;
        }

        public SeriesKey Create(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => new(alternate.ToArray());
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PoshServer.Https;

/// <summary>
/// Kestrel's per-connection protocol logs, rate-limited: an HTTP/2 rapid-reset burst from 60 connections wrote 1,372
/// critical lines (issue 13), which a peer can repeat at will to flood the log. These categories are routed only to
/// this provider (see <see cref="HttpsServiceCollectionExtensions.AddHttps"/>); it writes the first line of each
/// event per interval in full, counts the rest, and writes one summary per interval with the counts.
/// </summary>
internal sealed class PeerProtocolLogLimiter : ILoggerProvider
{
    /// <summary>Kestrel's categories whose warnings and errors are caused by peers, not by PoshServer.</summary>
    public static readonly string[] Categories =
    [
        "Microsoft.AspNetCore.Server.Kestrel.Http2",
        "Microsoft.AspNetCore.Server.Kestrel.Http3",
        "Microsoft.AspNetCore.Server.Kestrel.BadRequests",
        "Microsoft.AspNetCore.Server.Kestrel.Connections",
    ];

    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly IServiceProvider _services;
    private readonly ConcurrentDictionary<string, long> _suppressed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _writtenThisInterval = new(StringComparer.Ordinal);
    private readonly ITimer _timer;
    private ILogger? _output;

    public PeerProtocolLogLimiter(IServiceProvider services, TimeProvider timeProvider)
    {
        _services = services;
        _timer = timeProvider.CreateTimer(static state => ((PeerProtocolLogLimiter)state!).FlushGuarded(), this, Interval, Interval);
    }

    /// <summary>Only Kestrel's peer categories pass through here; every other category goes to the normal providers alone.</summary>
    public ILogger CreateLogger(string categoryName) =>
        Categories.Contains(categoryName, StringComparer.Ordinal) ? new Limited(this, categoryName) : NullLogger.Instance;

    /// <summary>Writes the summary of what was suppressed since the last one, and starts a new interval.</summary>
    internal void Flush()
    {
        _writtenThisInterval.Clear();
        var counts = new List<string>();
        var total = 0L;
        foreach (var key in _suppressed.Keys)
        {
            if (_suppressed.TryRemove(key, out var count) && count > 0)
            {
                counts.Add($"{key} x{count}");
                total += count;
            }
        }

        if (total > 0)
        {
            HttpsLog.PeerProtocolSummary(Output, total, Interval, string.Join(", ", counts));
        }
    }

    public void Dispose() => _timer.Dispose();

    // A timer callback that throws ends the process. What could throw here is the logging itself, so there is nowhere
    // to report it: the interval's summary is lost and the next interval starts afresh (issue 14).
    private void FlushGuarded()
    {
        try
        {
            Flush();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _suppressed.Clear();
        }
    }

    // Resolved on first use: the logger factory is built from the providers, this one included.
    private ILogger Output => _output ??= _services.GetRequiredService<ILoggerFactory>().CreateLogger("PoshServer.Https.PeerProtocol");

    private void Write<TState>(string category, LogLevel level, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var key = eventId.Name ?? $"{category}[{eventId.Id}]";
        if (_writtenThisInterval.TryAdd(key, 0))
        {
            // Kestrel's message names the connection; the level stays the peer's doing, so at most a warning here.
            var outputLevel = level < LogLevel.Warning ? level : LogLevel.Warning;
            if (Output.IsEnabled(outputLevel))
            {
                var message = formatter(state, exception);
                HttpsLog.PeerProtocolEvent(Output, outputLevel, key, message, exception);
            }
        }
        else
        {
            _suppressed.AddOrUpdate(key, 1, static (_, count) => count + 1);
        }
    }

    private sealed class Limited(PeerProtocolLogLimiter owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Write(category, logLevel, eventId, state, exception, formatter);
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PoshClient.Tests.Dns;

/// <summary>Collects log entries so a test can check that an event (e.g. the retry over TCP) happened.</summary>
internal sealed class ListLogger : ILogger
{
    public ConcurrentQueue<(EventId EventId, LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((eventId, logLevel, formatter(state, exception)));

    public bool Logged(string eventName) => Entries.Any(e => string.Equals(e.EventId.Name, eventName, StringComparison.Ordinal));
}

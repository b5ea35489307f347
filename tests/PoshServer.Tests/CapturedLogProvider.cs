using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PoshServer.Tests;

/// <summary>Keeps every line the server logs (category, level, text), to count them.</summary>
internal sealed class CapturedLogProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, string Message)> _lines = new();

    public IReadOnlyList<(string Category, LogLevel Level, string Message)> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue((category, logLevel, formatter(state, exception)));
    }
}

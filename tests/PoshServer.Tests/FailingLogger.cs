using Microsoft.Extensions.Logging;

namespace PoshServer.Tests;

/// <summary>
/// A logger whose next message below Error throws once it is armed, as a broken log sink does: the one fault a test can
/// inject into a background path that otherwise only touches real files (issue 14). Errors are kept, not thrown, so the
/// code's report of the failure can be seen.
/// </summary>
internal sealed class FailingLogger<T> : ILogger<T>
{
    private int _armed;
    private int _failures;
    private int _errors;

    /// <summary>How many messages have thrown.</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <summary>How many messages at Error or above were logged.</summary>
    public int Errors => Volatile.Read(ref _errors);

    /// <summary>The next message below Error throws.</summary>
    public void FailNext() => Volatile.Write(ref _armed, 1);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel >= LogLevel.Error)
        {
            Interlocked.Increment(ref _errors);
            return;
        }

        if (Interlocked.Exchange(ref _armed, 0) == 1)
        {
            Interlocked.Increment(ref _failures);
            throw new InvalidOperationException("the log sink failed (injected by the test)");
        }
    }
}

using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using PoshClient.Documents;

namespace PoshClient.Verification;

/// <summary>
/// Sends failure reports in the background: a bounded queue (a burst of failures drops reports rather than memory or
/// connections) and one sender, so verification never waits for the report and never fails because of it.
/// </summary>
internal sealed class PoshFailureReporter : IDisposable
{
    private const int Capacity = 64;
    private static readonly TimeSpan s_sendTimeout = TimeSpan.FromSeconds(10);

    private readonly Channel<PoshFailureReport> _queue = Channel.CreateBounded<PoshFailureReport>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly Func<HttpClient> _httpClient;
    private readonly Uri _url;
    private readonly string? _reporter;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();

    public PoshFailureReporter(Func<HttpClient> httpClient, Uri url, string? reporter, TimeProvider timeProvider, ILogger logger)
    {
        _httpClient = httpClient;
        _url = url;
        _reporter = reporter;
        _timeProvider = timeProvider;
        _logger = logger;
        Completion = Task.Run(SendAllAsync);
    }

    /// <summary>Ends when the reporter is disposed and the sender has stopped.</summary>
    public Task Completion { get; }

    /// <summary>Queues a report of <paramref name="result"/>; false when the queue is full (the report is dropped).</summary>
    public bool TryReport(PoshVerificationResult result)
    {
        var presented = result.Certificate is { } certificate ? Convert.ToBase64String(SHA256.HashData(certificate.RawDataMemory.Span)) : null;
        var report = new PoshFailureReport(result.Domain, result.Service.ToName(), result.Outcome.ToString(), result.Reason, presented, _reporter);
        return _queue.Writer.TryWrite(report);
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _stop.Cancel();
        _stop.Dispose();
    }

    private async Task SendAllAsync()
    {
        try
        {
            await foreach (var report in _queue.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                await SendAsync(report).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    private async Task SendAsync(PoshFailureReport report)
    {
        try
        {
            using var timeout = new CancellationTokenSource(s_sendTimeout, _timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stop.Token);
            using var content = JsonContent.Create(report, PoshClientJsonContext.Default.PoshFailureReport);
            using var response = await _httpClient().PostAsync(_url, content, linked.Token).ConfigureAwait(false);
            PoshVerifierLog.FailureReportSent(_logger, report.Domain, _url.AbsoluteUri, (int)response.StatusCode);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            PoshVerifierLog.FailureReportFailed(_logger, report.Domain, _url.AbsoluteUri, ex.Message);
        }
    }
}

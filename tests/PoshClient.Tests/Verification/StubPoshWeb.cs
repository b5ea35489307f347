using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace PoshClient.Tests.Verification;

/// <summary>
/// An in-memory web for cache and matching tests, where only the verifier's logic is under test (the real TLS
/// path is covered by the hostile-web-server corpus). Documents can be swapped (rotation) and responses held
/// back by a gate (single flight).
/// </summary>
internal sealed class StubPoshWeb : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, (int Status, string Body)> _documents = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _hits = new(StringComparer.Ordinal);
    private int _total;

    /// <summary>When set, responses wait for it; <see cref="Arrived"/> completes when the first request is waiting.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public TaskCompletionSource Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int TotalRequests => Volatile.Read(ref _total);

    public void Serve(string url, string body, int status = 200) => _documents[url] = (status, body);

    public int Hits(string url) => _hits.TryGetValue(url, out var count) ? count : 0;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var url = request.RequestUri!.AbsoluteUri;
        _hits.AddOrUpdate(url, 1, (_, c) => c + 1);
        Interlocked.Increment(ref _total);
        if (Gate is { } gate)
        {
            Arrived.TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
        }

        return _documents.TryGetValue(url, out var document)
            ? new HttpResponseMessage((HttpStatusCode)document.Status) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(document.Body)) }
            : new HttpResponseMessage(HttpStatusCode.NotFound);
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;

namespace PoshTesting;

/// <summary>Notes the moment (<see cref="Stopwatch"/> timestamp) and URL of every request POSH retrieval sends, then passes it on.</summary>
internal sealed class RecordingHttpHandler : DelegatingHandler
{
    private readonly ConcurrentQueue<(long Timestamp, Uri Url)> _requests = new();

    public RecordingHttpHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    public IReadOnlyList<(long Timestamp, Uri Url)> Requests => [.. _requests];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        _requests.Enqueue((Stopwatch.GetTimestamp(), request.RequestUri!));
        return base.SendAsync(request, cancellationToken);
    }
}

using System.Net;

namespace PoshServer.Acme;

/// <summary>A successful ACME response: what the flow needs from headers, and the body.</summary>
internal sealed record AcmeResponse
{
    public required HttpStatusCode StatusCode { get; init; }

    public Uri? Location { get; init; }

    /// <summary>The <c>Link: rel="next"</c> target of a paged list (RFC 8555 §7.1.2.1).</summary>
    public Uri? NextLink { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    public string? MediaType { get; init; }

    public required byte[] Body { get; init; }
}

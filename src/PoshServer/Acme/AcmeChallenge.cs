namespace PoshServer.Acme;

/// <summary>A challenge object (RFC 8555 §7.1.5, §8).</summary>
internal sealed record AcmeChallenge
{
    public required string Type { get; init; }

    public required Uri Url { get; init; }

    public string? Status { get; init; }

    public string? Token { get; init; }

    public AcmeProblem? Error { get; init; }
}

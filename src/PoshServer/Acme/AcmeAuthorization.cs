namespace PoshServer.Acme;

/// <summary>An authorization object (RFC 8555 §7.1.4).</summary>
internal sealed record AcmeAuthorization
{
    public required string Status { get; init; }

    public AcmeIdentifier? Identifier { get; init; }

    public IReadOnlyList<AcmeChallenge> Challenges { get; init; } = [];
}

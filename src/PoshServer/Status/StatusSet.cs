namespace PoshServer.Status;

/// <summary>A certificate set and what it publishes now.</summary>
internal sealed record StatusSet
{
    public required string Name { get; init; }

    public string? Description { get; init; }

    public required int Tenants { get; init; }

    public required IReadOnlyList<StatusCertificate> Published { get; init; }
}

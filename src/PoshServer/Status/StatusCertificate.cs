namespace PoshServer.Status;

internal sealed record StatusCertificate
{
    public required string Sha256 { get; init; }

    public required string Subject { get; init; }

    public required DateTimeOffset NotAfter { get; init; }

    public required string Path { get; init; }
}

namespace PoshServer.Acme;

/// <summary>The stored account: its URL (the JWS <c>kid</c>) at one CA directory.</summary>
internal sealed record AcmeAccountRecord
{
    public required Uri DirectoryUrl { get; init; }

    public required Uri AccountUrl { get; init; }
}

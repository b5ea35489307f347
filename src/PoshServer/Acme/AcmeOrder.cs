namespace PoshServer.Acme;

/// <summary>An order object (RFC 8555 §7.1.3).</summary>
internal sealed record AcmeOrder
{
    public required string Status { get; init; }

    public IReadOnlyList<AcmeIdentifier> Identifiers { get; init; } = [];

    public IReadOnlyList<Uri> Authorizations { get; init; } = [];

    public Uri? Finalize { get; init; }

    public Uri? Certificate { get; init; }

    public AcmeProblem? Error { get; init; }
}

namespace PoshServer.Acme;

/// <summary>An order identifier (RFC 8555 §7.1.3); always type <c>dns</c> here.</summary>
internal sealed record AcmeIdentifier
{
    public required string Type { get; init; }

    public required string Value { get; init; }
}

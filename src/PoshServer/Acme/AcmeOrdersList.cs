namespace PoshServer.Acme;

/// <summary>One page of an account's orders list (RFC 8555 §7.1.2.1).</summary>
internal sealed record AcmeOrdersList
{
    public IReadOnlyList<Uri> Orders { get; init; } = [];
}

namespace PoshServer.Acme;

/// <summary>The parts of an account object (RFC 8555 §7.1.2) the client reads.</summary>
internal sealed record AcmeAccount
{
    public string? Status { get; init; }

    /// <summary>The account's orders list, where the CA offers one (RFC 8555 §7.1.2.1).</summary>
    public Uri? Orders { get; init; }
}

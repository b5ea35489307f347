namespace PoshServer.Acme;

/// <summary>The directory resource (RFC 8555 §7.1.1): every URL comes from here, none is hard-coded.</summary>
internal sealed record AcmeDirectory
{
    public required Uri NewNonce { get; init; }

    public required Uri NewAccount { get; init; }

    public required Uri NewOrder { get; init; }

    public Uri? RevokeCert { get; init; }

    public Uri? KeyChange { get; init; }

    public AcmeDirectoryMeta? Meta { get; init; }
}

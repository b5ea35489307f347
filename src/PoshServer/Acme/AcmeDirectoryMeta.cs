namespace PoshServer.Acme;

/// <summary>The directory's <c>meta</c> object (RFC 8555 §7.1.1).</summary>
internal sealed record AcmeDirectoryMeta
{
    public Uri? TermsOfService { get; init; }

    public bool ExternalAccountRequired { get; init; }
}

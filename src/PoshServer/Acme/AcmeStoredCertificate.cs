using System.Security.Cryptography.X509Certificates;

namespace PoshServer.Acme;

/// <summary>A certificate read back from storage: leaf with its private key, and the intermediates the CA sent.</summary>
internal sealed record AcmeStoredCertificate
{
    public required X509Certificate2 Leaf { get; init; }

    public required X509Certificate2Collection Intermediates { get; init; }
}

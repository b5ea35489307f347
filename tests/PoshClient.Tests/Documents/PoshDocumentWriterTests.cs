using System.Security.Cryptography.X509Certificates;
using System.Text;
using PoshClient.Documents;

namespace PoshClient.Tests.Documents;

public sealed class PoshDocumentWriterTests
{
    // The worked example of the conformance checklist (section 6.1): an EC P-256 certificate for hosting.example.net.
    private const string ExampleCertificateBase64 =
        "MIIBzTCCAXKgAwIBAgIBATAKBggqhkjOPQQDAjAeMRwwGgYDVQQDDBNob3N0aW5nLmV4YW1wbGUubmV0MB4XDTI2MTEyMjAxMjQwMloXDTM2MTExOTAxMjQwMlowHjEcMBoGA1UEAwwTaG9zdGluZy5leGFtcGxlLm5ldDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABCDTKReTQujZLUu6mblzsV5wwz5Rje/LK8ep5QbA0/2AWhGYUgRBE7fRdY10T99IrDcnxFgCUdfax0HzgzmlHP6jgaAwgZ0wHQYDVR0OBBYEFHhl7T7ndPYuH04oOoXSuV/Nxd1IMB8GA1UdIwQYMBaAFHhl7T7ndPYuH04oOoXSuV/Nxd1IMB4GA1UdEQQXMBWCE2hvc3RpbmcuZXhhbXBsZS5uZXQwDAYDVR0TAQH/BAIwADAOBgNVHQ8BAf8EBAMCB4AwHQYDVR0lBBYwFAYIKwYBBQUHAwEGCCsGAQUFBwMCMAoGCCqGSM49BAMCA0kAMEYCIQDDnzCoqJe5N+did47iq/9JRvZqw3mkkILFiBzHoMHIewIhAPUM9U8hLAEWmIDdWyFWsEFdEF6TN/UYSKRQHhWohVvQ";

    [Fact]
    public void Write_FingerprintsDocument_MatchesTheRfcShapeByteForByte()
    {
        using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(ExampleCertificateBase64));
        var document = new FingerprintsDocument { Fingerprints = [FingerprintDescriptor.FromCertificate(certificate)], Expires = 3600 };

        var json = Encoding.UTF8.GetString(PoshDocumentWriter.Write(document));

        Assert.Equal(
            """{"fingerprints":[{"sha-256":"xR8uzujKEcd17LM1Apmr9Z55oFhhnRK1Si1cLK9jW0I=","sha-512":"kBZ+sEuXuSo+OR1z+pynPdCe2hvRIl4xU3dodHWDPZSj4Ofd/th4TaDYrgnsXe1tZVzGhTiyXnzirFnPIxww6Q=="}],"expires":3600}""",
            json);
    }

    [Fact]
    public void Write_ReferenceDocument_WritesUrlThenExpires()
    {
        var document = new ReferenceDocument { Url = new Uri("https://hosting.example.net/posh/example.com/xmpp-server.json"), Expires = 86400 };

        var json = Encoding.UTF8.GetString(PoshDocumentWriter.Write(document));

        Assert.Equal("""{"url":"https://hosting.example.net/posh/example.com/xmpp-server.json","expires":86400}""", json);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Write_ExpiresBelowOne_Throws(long expires)
    {
        var descriptor = FingerprintDescriptor.FromDer([1, 2, 3]);

        Assert.Throws<ArgumentException>(() => PoshDocumentWriter.Write(new FingerprintsDocument { Fingerprints = [descriptor], Expires = expires }));
        Assert.Throws<ArgumentException>(() => PoshDocumentWriter.Write(new ReferenceDocument { Url = new Uri("https://h.example/x.json"), Expires = expires }));
    }

    [Fact]
    public void Write_NoDescriptor_Throws()
    {
        Assert.Throws<ArgumentException>(() => PoshDocumentWriter.Write(new FingerprintsDocument { Fingerprints = [], Expires = 60 }));
    }

    [Fact]
    public void Write_HttpReferenceUrl_Throws()
    {
        Assert.Throws<ArgumentException>(() => PoshDocumentWriter.Write(new ReferenceDocument { Url = new Uri("http://h.example/x.json"), Expires = 60 }));
    }

    [Fact]
    public void FromDer_Descriptor_HasSha256AndSha512OfTheWholeInput()
    {
        byte[] der = [0x30, 0x03, 0x02, 0x01, 0x01];

        var descriptor = FingerprintDescriptor.FromDer(der);

        Assert.Equal(PoshHashAlgorithm.Sha256.Hash(der), descriptor.Hashes[PoshHashAlgorithm.Sha256].ToArray());
        Assert.Equal(PoshHashAlgorithm.Sha512.Hash(der), descriptor.Hashes[PoshHashAlgorithm.Sha512].ToArray());
        Assert.Equal([PoshHashAlgorithm.Sha256, PoshHashAlgorithm.Sha512], descriptor.Hashes.Keys);
    }
}

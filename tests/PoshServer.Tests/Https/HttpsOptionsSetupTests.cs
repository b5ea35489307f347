using Microsoft.Extensions.Configuration;
using PoshServer.Https;

namespace PoshServer.Tests.Https;

public sealed class HttpsOptionsSetupTests
{
    [Fact]
    public void Configure_EverySetting_IsBoundAsTheBinderWould()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Https:Address"] = "127.0.53.1",
            ["Https:Port"] = "9443",
            ["Https:HttpPort"] = "9080",
            ["Https:PublicPort"] = "443",
            ["Https:UnknownSni"] = "Reject",
            ["Https:HandshakeTimeout"] = "00:00:05",
            ["Https:Certificates:0:CertificateFile"] = "a.pem",
            ["Https:Certificates:0:KeyFile"] = "a.key",
            ["Https:Certificates:10:CertificateFile"] = "k.pem",
            ["Https:Certificates:10:KeyFile"] = "k.key",
            ["Https:Certificates:2:CertificateFile"] = "c.pem",
            ["Https:Certificates:2:KeyFile"] = "c.key",
            ["Https:Certificates:2:HostNames:0"] = "c.example",
            ["Https:Certificates:2:HostNames:1"] = "www.c.example",
        }).Build();
        var options = new HttpsOptions();

        new HttpsOptionsSetup(configuration).Configure(options);

        Assert.Equal("127.0.53.1", options.Address);
        Assert.Equal(9443, options.Port);
        Assert.Equal(9080, options.HttpPort);
        Assert.Equal(443, options.PublicPort);
        Assert.Equal(UnknownSniBehavior.Reject, options.UnknownSni);
        Assert.Equal(TimeSpan.FromSeconds(5), options.HandshakeTimeout);
        Assert.Equal(["a.pem", "c.pem", "k.pem"], options.Certificates.Select(c => c.CertificateFile));
        Assert.Equal(["c.example", "www.c.example"], options.Certificates[1].HostNames);
        Assert.Empty(options.Certificates[0].HostNames);
    }

    [Fact]
    public void Configure_NothingSet_KeepsTheDefaults()
    {
        var options = new HttpsOptions();

        new HttpsOptionsSetup(new ConfigurationBuilder().Build()).Configure(options);

        Assert.Equal("*", options.Address);
        Assert.Equal(8443, options.Port);
        Assert.Null(options.PublicPort);
        Assert.Empty(options.Certificates);
    }
}

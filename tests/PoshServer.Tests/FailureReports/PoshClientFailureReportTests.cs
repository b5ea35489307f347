using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using PoshClient;
using PoshClient.Documents;
using PoshClient.Verification;
using PoshServer.FailureReports;
using PoshTesting;

namespace PoshServer.Tests.FailureReports;

/// <summary>A PoshClient configured with a report URL tells the hoster about a failed verification of its tenant.</summary>
public sealed class PoshClientFailureReportTests
{
    [Fact]
    public async Task VerifyAsync_Mismatch_IsReportedToTheHoster()
    {
        // Arrange: PoshServer with a CA-issued HTTPS certificate for its own name and the tenant's.
        using var world = new TenantWorld();
        using var ca = new TestCertificateAuthority();
        using var https = ca.Issue([PoshServerHost.HosterName, "example.com"]);
        TestCertificates.WritePem(https, world.Combine("https.crt"), world.Combine("https.key"));
        world.WriteTenant("example.com.yaml", "domain: example.com\n");
        await using var server = await PoshServerHost.StartAsync(world.Path, null,
            $"--Https:Certificates:0:CertificateFile={world.Combine("https.crt")}", $"--Https:Certificates:0:KeyFile={world.Combine("https.key")}");
        var options = new PoshClientOptions
        {
            WebChainPolicy = ca.CreateChainPolicy(),
            FailureReportUrl = new Uri($"https://{PoshServerHost.HosterName}/posh-reports"),
            FailureReporter = "peer.example",
        };
        var handler = PoshVerifier.CreateHttpHandler(options);
        handler.ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.HttpsPort), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        };
        using var client = new HttpClient(handler);
        using var verifier = new PoshVerifier(client, options);
        using var impostor = TestCertificates.SelfSigned(["xmpp.impostor.example"]);

        // Act
        var result = await verifier.VerifyAsync("example.com", PoshService.XmppServer, impostor);

        // Assert
        Assert.Equal(PoshVerificationOutcome.Mismatch, result.Outcome);
        var store = server.Services.GetRequiredService<FailureReportStore>();
        await Eventually.TrueAsync(() => Task.FromResult(store.Summaries().Count == 1), "the report arrives at the hoster");
        var report = Assert.Single(Assert.Single(store.Summaries()).Recent);
        Assert.Equal(("example.com", "xmpp-server", "Mismatch", "peer.example"), (report.Domain, report.Service, report.Outcome, report.Reporter));
        Assert.Equal(Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(impostor.RawData)), report.PresentedSha256);
        Assert.False(report.PresentedIsPublished);
    }

    [Fact]
    public void Options_HttpReportUrl_IsRejected()
    {
        var options = new PoshClientOptions { FailureReportUrl = new Uri("http://posh.hosting.test/posh-reports") };

        var error = Assert.Throws<ArgumentException>(() => new PoshVerifier(new HttpClient(), options));

        Assert.Contains("FailureReportUrl must be an absolute https URL", error.Message, StringComparison.Ordinal);
    }
}

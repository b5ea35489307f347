using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using PoshServer.Https;
using PoshTesting;

namespace PoshServer.Tests.Https;

/// <summary>
/// Issue 13, item 7: the OpenSSL connection behind a server SslStream is reached and SSL_MODE_RELEASE_BUFFERS is set.
/// This reads SslStream's private fields, so a runtime update that moves them fails here first (Linux is what CI and the
/// container run).
/// </summary>
public sealed class TlsBufferReleaseTests
{
    private static readonly IPAddress s_address = IPAddress.Parse("127.0.61.10");

    [Fact]
    public async Task TryApply_AuthenticatedServerStream_SetsTheMode()
    {
        Assert.True(TlsBufferRelease.IsSupported, "SslStream's OpenSSL handle or SSL_ctrl was not found");
        using var certificate = TestCertificates.SelfSigned(["release.example"]);
        using var listener = new TcpListener(s_address, 0);
        listener.Start();
        using var client = new TcpClient();
        var accept = listener.AcceptTcpClientAsync();
        await client.ConnectAsync(s_address, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var accepted = await accept;
        await using var server = new SslStream(accepted.GetStream());
        await using var clientStream = new SslStream(client.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);

        await Task.WhenAll(
            server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }),
            clientStream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "release.example" }));
        var applied = TlsBufferRelease.TryApply(server);

        // The connection still carries data both ways with its buffers released between records.
        var received = new byte[5];
        await clientStream.WriteAsync("hello"u8.ToArray());
        await server.ReadExactlyAsync(received);
        await server.WriteAsync(received);
        await clientStream.ReadExactlyAsync(received);

        Assert.True(applied);
        Assert.Equal("hello"u8.ToArray(), received);
    }

    [Fact]
    public async Task TryApply_StreamNotAuthenticated_ReturnsFalse()
    {
        await using var stream = new SslStream(new MemoryStream());

        Assert.False(TlsBufferRelease.TryApply(stream));
    }
}

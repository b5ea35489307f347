using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;

namespace PoshServer.Tests.Container;

/// <summary>
/// Waits until the server's readiness endpoint answers 200. Testcontainers' own HTTP wait goes through a mapped
/// port, and a container on the host's network has none, so this asks the address the server listens on.
/// </summary>
internal sealed class ReadyOverLoopback(Uri ready, Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> connect) : IWaitUntil
{
    public async Task<bool> UntilAsync(IContainer container)
    {
        using var handler = new SocketsHttpHandler { ConnectCallback = connect };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await client.GetAsync(ready);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return false;
        }
    }
}

using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace PoshServer.Acme;

/// <summary>
/// Before ordering, checks that the name resolves and that our own challenge URL answers through it, so broken tenant
/// DNS is reported here instead of burning the CA's failed-validation limit. The probe token is random; the responder
/// answers it like any token, with the key authorization, which only an instance holding the account key can produce.
/// </summary>
internal sealed class AcmePreflight : IDisposable
{
    private readonly IAcmeHostResolver _resolver;
    private readonly AcmeStorage _storage;
    private readonly AcmeOptions _options;
    private readonly HttpClient _http;

    public AcmePreflight(IAcmeHostResolver resolver, AcmeStorage storage, IOptions<AcmeOptions> options)
    {
        _resolver = resolver;
        _storage = storage;
        _options = options.Value;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.Zero,
            ConnectCallback = ConnectAsync,
        };
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }

    public async Task<AcmePreflightResult> CheckAsync(string hostName, CancellationToken cancellationToken = default)
    {
        var addresses = await _resolver.ResolveAsync(hostName, cancellationToken);
        if (addresses.Count == 0)
        {
            return AcmePreflightResult.Failed($"{hostName} does not resolve.");
        }

        var probe = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var url = new Uri($"http://{hostName}:{_options.ChallengePort.ToString(System.Globalization.CultureInfo.InvariantCulture)}/.well-known/acme-challenge/{probe}");
        try
        {
            using var response = await _http.GetAsync(url, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var expected = (await _storage.GetOrCreateAccountKeyAsync(cancellationToken)).KeyAuthorization(probe);
            return response.StatusCode == HttpStatusCode.OK && string.Equals(body, expected, StringComparison.Ordinal)
                ? AcmePreflightResult.Passed
                : AcmePreflightResult.Failed($"{url} answered HTTP {(int)response.StatusCode} without our key authorization: the name does not point at this server.");
        }
        catch (HttpRequestException ex)
        {
            return AcmePreflightResult.Failed($"{url} is unreachable ({string.Join(", ", addresses)}): {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return AcmePreflightResult.Failed($"{url} did not answer in time.");
        }
    }

    public void Dispose() => _http.Dispose();

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        // Dial the addresses our resolver gives, in order, like the CA's validation would.
        var addresses = await _resolver.ResolveAsync(context.DnsEndPoint.Host, cancellationToken);
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
        }

        throw new HttpRequestException($"No address of {context.DnsEndPoint.Host} accepted a connection.", last);
    }
}

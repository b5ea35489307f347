using System.Buffers.Text;
using Microsoft.Extensions.Options;
using PoshServer.Cluster;

namespace PoshServer.Acme;

/// <summary>
/// Answers http-01 (RFC 8555 §8.3) statelessly: the key authorization of any base64url token is token + "." +
/// account thumbprint, so every instance holding the account key answers every token, including the pre-flight
/// probes, with no shared list of pending challenges. In a cluster the account key is the one shared item this needs
/// (encrypted in the store, kept in memory once read), so any replica answers a challenge whichever ordered it, and
/// keeps answering while the store is unreachable. It keeps answering for as long as the CA asks (Pebble
/// validates from several perspectives at once).
/// </summary>
internal sealed class AcmeChallengeResponder
{
    private readonly AcmeStorage _storage;
    private readonly AcmeOptions _options;
    private readonly ILogger<AcmeChallengeResponder> _logger;

    public AcmeChallengeResponder(AcmeStorage storage, IOptions<AcmeOptions> options, ILogger<AcmeChallengeResponder> logger)
    {
        _storage = storage;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Handles the request under <c>/.well-known/acme-challenge</c>; the path left is <c>/{token}</c>.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        var token = context.Request.Path.Value is { Length: > 1 } path ? path[1..] : string.Empty;
        if (!_options.Enabled || !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)) || !IsToken(token))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        // From memory once loaded: a replica cut off from the cluster store keeps answering (issue 10, faults).
        var accountKey = _storage.CachedAccountKey;
        if (accountKey is null)
        {
            try
            {
                accountKey = await _storage.GetOrCreateAccountKeyAsync(context.RequestAborted);
            }
            catch (ClusterStoreException)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }
        }

        var keyAuthorization = accountKey.KeyAuthorization(token);
        _logger.ChallengeAnswered(token, context.Request.Host.Host);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/octet-stream";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(keyAuthorization, context.RequestAborted);
    }

    /// <summary>RFC 8555 §8.1: tokens are base64url with at least 128 bits of entropy; nothing else is answered.</summary>
    internal static bool IsToken(string token) =>
        token.Length is >= 22 and <= 256 && !token.Contains('=', StringComparison.Ordinal) && Base64Url.IsValid(token);
}

namespace PoshServer.Https;

internal static class HttpsApplicationBuilderExtensions
{
    private const string AcmeChallengePath = "/.well-known/acme-challenge";

    /// <summary>
    /// Redirects plain HTTP to HTTPS (307, see <c>AddHttps</c>) for everything but ACME http-01 challenges: POSH is
    /// HTTPS only (RFC 7711 §3), and a challenge must be answered on port 80 without a redirect (RFC 8555 §8.3).
    /// </summary>
    public static IApplicationBuilder UseHttpsRedirectionExceptAcmeChallenges(this IApplicationBuilder app) =>
        app.UseWhen(context => !context.Request.Path.StartsWithSegments(AcmeChallengePath, StringComparison.Ordinal), https => https.UseHttpsRedirection());
}

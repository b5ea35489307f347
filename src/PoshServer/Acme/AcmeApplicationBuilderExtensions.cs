namespace PoshServer.Acme;

internal static class AcmeApplicationBuilderExtensions
{
    /// <summary>
    /// Answers <c>GET /.well-known/acme-challenge/{token}</c> (RFC 8555 §8.3) at this point of the pipeline. Call it
    /// before <c>UseHttpsRedirection</c>: http-01 always starts on plain HTTP port 80 and must not be redirected.
    /// </summary>
    public static IApplicationBuilder MapAcmeChallenges(this IApplicationBuilder app) =>
        app.Map("/.well-known/acme-challenge", branch => branch.Run(context => context.RequestServices.GetRequiredService<AcmeChallengeResponder>().HandleAsync(context)));
}

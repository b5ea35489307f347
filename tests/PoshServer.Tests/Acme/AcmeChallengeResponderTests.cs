using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PoshServer.Acme;
using PoshTesting;

namespace PoshServer.Tests.Acme;

public sealed class AcmeChallengeResponderTests : IDisposable
{
    private const string Token = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0";
    private readonly TempDirectory _directory = new("acme-responder-");

    [Theory]
    [InlineData(Token, true)]
    [InlineData("short", false)]
    [InlineData("LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0=", false)]
    [InlineData("LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjE/X0", false)]
    [InlineData("LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjE.X0", false)]
    public void IsToken_Candidate_OnlyBase64Url(string token, bool expected) =>
        Assert.Equal(expected, AcmeChallengeResponder.IsToken(token));

    [Fact]
    public async Task HandleAsync_AnyToken_AnswersKeyAuthorizationStatelessly()
    {
        // Arrange: a second instance sharing only the account key answers the same.
        var storage = new AcmeStorage(_directory.Path);
        var responder = new AcmeChallengeResponder(storage, Options.Create(new AcmeOptions { Enabled = true }), NullLogger<AcmeChallengeResponder>.Instance);
        var context = Request("/" + Token);

        // Act
        await responder.HandleAsync(context);

        // Assert
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Equal("application/octet-stream", context.Response.ContentType);
        Assert.Equal(Token + "." + (await new AcmeStorage(_directory.Path).GetOrCreateAccountKeyAsync()).Thumbprint, Body(context));
    }

    [Theory]
    [InlineData(true, "/not a token")]
    [InlineData(false, "/" + Token)]
    public async Task HandleAsync_BadTokenOrDisabled_NotFound(bool enabled, string path)
    {
        var responder = new AcmeChallengeResponder(new AcmeStorage(_directory.Path), Options.Create(new AcmeOptions { Enabled = enabled }), NullLogger<AcmeChallengeResponder>.Instance);
        var context = Request(path);

        await responder.HandleAsync(context);

        Assert.Equal(StatusCodes.Status404NotFound, context.Response.StatusCode);
    }

    public void Dispose() => _directory.Dispose();

    private static DefaultHttpContext Request(string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = path;
        context.Request.Host = new HostString("tenant.example.test");
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static string Body(DefaultHttpContext context) =>
        System.Text.Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
}

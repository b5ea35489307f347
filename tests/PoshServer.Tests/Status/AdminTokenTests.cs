using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PoshServer.Status;

namespace PoshServer.Tests.Status;

public sealed class AdminTokenTests
{
    [Theory]
    [InlineData("127.0.0.1", null, true)]
    [InlineData("::1", null, true)]
    [InlineData("0.0.0.0", null, false)]
    [InlineData("*", null, false)]
    [InlineData("0.0.0.0", "0123456789abcdef", true)]
    [InlineData("127.0.0.1", "short", false)]
    [InlineData("not-an-address", null, false)]
    public void Validate_AddressAndToken_RequiresTokenOffLoopback(string address, string? token, bool valid)
    {
        var result = new AdminOptionsValidator().Validate(null, new AdminOptions { Address = address, BearerToken = token });

        Assert.Equal(valid, result.Succeeded);
    }

    [Fact]
    public async Task Admin_WithToken_RequiresBearer()
    {
        using var world = new TenantWorld();
        await using var server = await PoshServerHost.StartAsync(world.Path, null, "--Admin:Enabled=true", "--Admin:Port=0", "--Admin:BearerToken=0123456789abcdef", "--TenantChecks:Background=false", $"--Rotation:StatePath={world.Combine("state.json")}");
        using var admin = new HttpClient { BaseAddress = server.Services.GetRequiredService<AdminServer>().Address };

        using var anonymous = await admin.GetAsync(new Uri("/metrics", UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "0123456789abcdef");
        using var authorized = await admin.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, authorized.StatusCode);
        Assert.NotNull(server.Services.GetRequiredService<IOptions<AdminOptions>>().Value.BearerToken);
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PoshServer.Https;

namespace PoshServer.Tests.Https;

/// <summary>Issue 13, item 7: the limits that bound idle connections' memory are options, validated at start-up.</summary>
public sealed class HttpsOptionsTests
{
    [Fact]
    public void Defaults_BoundIdleConnections()
    {
        var options = Resolve([]);

        Assert.Equal(TimeSpan.FromSeconds(60), options.KeepAliveTimeout);
        Assert.Equal(20_000, options.MaxConnections);
        Assert.True(options.ReleaseIdleTlsBuffers);
        Assert.Equal(1_000, options.MemoryReclaimConnectionDrop);
        Assert.Equal(TimeSpan.FromSeconds(15), options.MemoryReclaimInterval);
    }

    [Theory]
    [InlineData("Https:KeepAliveTimeout", "00:00:00")]
    [InlineData("Https:KeepAliveTimeout", "02:00:00")]
    [InlineData("Https:MaxConnections", "0")]
    [InlineData("Https:MaxConnections", "1000001")]
    [InlineData("Https:MemoryReclaimConnectionDrop", "-1")]
    [InlineData("Https:MemoryReclaimInterval", "00:00:00.500")]
    [InlineData("Https:MemoryReclaimInterval", "01:00:01")]
    public void OutOfRange_FailsValidationNamingTheSetting(string key, string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { [key] = value }));

        Assert.Contains(key.Split(':')[1], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InRange_IsBound()
    {
        var options = Resolve(new()
        {
            ["Https:KeepAliveTimeout"] = "00:10:00",
            ["Https:MaxConnections"] = "5000",
            ["Https:ReleaseIdleTlsBuffers"] = "false",
            ["Https:MemoryReclaimConnectionDrop"] = "0",
            ["Https:MemoryReclaimInterval"] = "00:00:02",
        });

        Assert.Equal(TimeSpan.FromMinutes(10), options.KeepAliveTimeout);
        Assert.Equal(5000, options.MaxConnections);
        Assert.False(options.ReleaseIdleTlsBuffers);
        Assert.Equal(0, options.MemoryReclaimConnectionDrop);
        Assert.Equal(TimeSpan.FromSeconds(2), options.MemoryReclaimInterval);
    }

    private static HttpsOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddHttps();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<HttpsOptions>>().Value;
    }
}

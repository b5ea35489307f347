using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PoshServer.Acme;

namespace PoshServer.Tests.Acme;

public sealed class AcmeOptionsValidatorTests
{
    [Theory]
    [InlineData("Acme:DirectoryUrl", "http://ca.example.test/dir", "Acme:DirectoryUrl")]
    [InlineData("Acme:Contact:0", "ops@example.test", "Acme:Contact")]
    [InlineData("Acme:HostNames:0", "exa mple.org", "Acme:HostNames")]
    [InlineData("Acme:HostNames:0", "*.example.org", "Acme:HostNames")]
    [InlineData("Acme:TrustedRootPath", "/nonexistent/root.pem", "Acme:TrustedRootPath")]
    [InlineData("Acme:ExternalAccountKeyId", "kid", "Acme:ExternalAccountKeyId")]
    [InlineData("Acme:ChallengePort", "0", "Acme:ChallengePort")]
    [InlineData("Acme:MaxConcurrentIssuances", "0", "Acme:MaxConcurrentIssuances")]
    [InlineData("Acme:MaxBackoff", "00:00:10", "Acme:InitialBackoff")]
    [InlineData("Acme:BadNonceRetries", "0", "Acme:BadNonceRetries")]
    public void Validate_BadSetting_FailsNamingTheField(string key, string value, string field)
    {
        // Arrange
        var options = Bind(new Dictionary<string, string?>(StringComparer.Ordinal) { [key] = value });

        // Act
        var result = new AcmeOptionsValidator().Validate(null, options);

        // Assert
        Assert.True(result.Failed);
        Assert.Contains(field, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SeveralBadSettings_ReportsEveryOne()
    {
        var options = Bind(new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Acme:ChallengePort"] = "70000",
            ["Acme:Contact:0"] = "nobody",
            ["Acme:HostNames:0"] = "bad_name.example",
        });

        var result = new AcmeOptionsValidator().Validate(null, options);

        Assert.Equal(3, result.Failures!.Count());
    }

    [Fact]
    public void AddAcme_Defaults_DisabledAndValid()
    {
        // Arrange
        var services = new ServiceCollection().AddLogging();
        services.AddAcme(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();

        // Act
        var options = provider.GetRequiredService<IOptions<AcmeOptions>>().Value;

        // Assert
        Assert.False(options.Enabled);
        Assert.Equal("data/acme", options.StoragePath);
        Assert.Equal(2, options.MaxConcurrentIssuances);
        Assert.Equal(TimeSpan.FromMinutes(1), options.InitialBackoff);
        Assert.Equal(TimeSpan.FromDays(1), options.MaxBackoff);
    }

    [Fact]
    public void AddAcme_InvalidConfiguration_ValueThrowsWithEveryError()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddAcme(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Acme:ChallengePort"] = "0",
            ["Acme:HostNames:0"] = "bad name",
        }).Build());
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AcmeOptions>>().Value);

        Assert.Equal(2, error.Failures.Count());
    }

    private static AcmeOptions Bind(Dictionary<string, string?> settings)
    {
        var options = new AcmeOptions();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(AcmeOptions.SectionName).Bind(options);
        return options;
    }
}

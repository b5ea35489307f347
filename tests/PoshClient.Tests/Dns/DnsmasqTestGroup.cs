namespace PoshClient.Tests.Dns;

/// <summary>Tests that share one dnsmasq serving t.test.</summary>
[CollectionDefinition(Name)]
public sealed class DnsmasqTestGroup : ICollectionFixture<DnsResolverDnsmasqFixture>
{
    public const string Name = "dnsmasq t.test";
}

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PoshClient.Dane;
using PoshClient.Dns;
using PoshTesting;

namespace PoshClient.Tests.Dns;

/// <summary>
/// <see cref="DnssecMode.ValidateInProcess"/> against the signed test hierarchy: ARSoft.Tools.Net validates from the test
/// root's DS (the trust anchor), through the DS of each zone in the root, to the records; the resolvers only fetch.
/// </summary>
[Collection(DnssecHierarchyGroup.Name)]
public sealed class InProcessDnssecValidationTests(DnssecHierarchyFixture world)
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ResolveSrvAsync_SignedZone_IsSecure()
    {
        var resolver = Resolver(world.Dns.ResolverEndPoint);

        var result = await resolver.ResolveSrvAsync(DnssecHierarchyFixture.SrvName).WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.Success, result.Status);
        Assert.Equal(DnssecStatus.Secure, result.Dnssec);
        var srv = Assert.Single(result.Records);
        Assert.Equal(DnssecHierarchyFixture.SrvTarget, srv.Target);
        Assert.Equal(5222, srv.Port);
    }

    [Fact]
    public async Task ResolveTlsaAsync_SignedZone_IsSecureWithTheRecord()
    {
        var resolver = Resolver(world.Dns.ResolverEndPoint);

        var result = await resolver.ResolveTlsaAsync(DnssecHierarchyFixture.TlsaName).WaitAsync(s_bound);

        Assert.Equal(DnssecStatus.Secure, result.Dnssec);
        Assert.Equal($"3 1 1 {DnssecHierarchyFixture.TlsaDigest}", Assert.Single(result.Records).ToString());
    }

    [Fact]
    public async Task ResolveAddressesAsync_RecordAlteredAfterSigning_IsBogusAndFailsClosed()
    {
        var resolver = Resolver(world.Dns.ResolverEndPoint);

        var result = await resolver.ResolveAddressesAsync(DnssecHierarchyFixture.BogusHost).WaitAsync(s_bound);

        Assert.Equal(DnssecStatus.Bogus, result.Dnssec);
        Assert.NotEqual(DnsResponseStatus.Success, result.Status);
        Assert.Empty(result.Addresses);
    }

    /// <summary>
    /// Straight from nsd, ARSoft 3.6.1 alone would call these answers Unsigned: its walk for a proof of an unsigned
    /// zone stops at <c>test.</c>, an empty non-terminal without DS, although <c>expired.test</c> has a DS.
    /// PoshClient's own walk from the root catches that downgrade.
    /// </summary>
    [Fact]
    public async Task ResolveAddressesAsync_ExpiredSignaturesBelowAnEmptyNonTerminal_IsBogusNotInsecure()
    {
        var resolver = Resolver(world.Dns.AuthoritativeEndPoint);

        var result = await resolver.ResolveAddressesAsync(DnssecHierarchyFixture.ExpiredHost).WaitAsync(s_bound);

        Assert.True(result.Dnssec == DnssecStatus.Bogus, result.Detail);
        Assert.Empty(result.Addresses);
    }

    [Fact]
    public async Task ResolveAddressesAsync_ExpiredSignaturesThroughValidatingResolver_FailsClosed()
    {
        // Through unbound some of the validator's DS queries may get SERVFAIL; either way no address and never Secure.
        var resolver = Resolver(world.Dns.ResolverEndPoint);

        var result = await resolver.ResolveAddressesAsync(DnssecHierarchyFixture.ExpiredHost).WaitAsync(s_bound);

        Assert.True(result.Dnssec is DnssecStatus.Bogus or DnssecStatus.Indeterminate, result.Detail);
        Assert.Empty(result.Addresses);
    }

    [Fact]
    public async Task ResolveAddressesAsync_UnsignedZone_IsInsecureWithTheAddress()
    {
        var resolver = Resolver(world.Dns.AuthoritativeEndPoint);

        var result = await resolver.ResolveAddressesAsync(DnssecHierarchyFixture.PlainHost).WaitAsync(s_bound);

        Assert.True(result.Status == DnsResponseStatus.Success, result.Detail);
        Assert.Equal(DnssecStatus.Insecure, result.Dnssec);
        Assert.Equal(IPAddress.Parse("127.0.63.30"), Assert.Single(result.Addresses));
    }

    /// <summary>
    /// unbound answers SERVFAIL to some of the DS queries ARSoft's validator asks below an insecure delegation (at
    /// names that are no zone cut, with CD set), and ARSoft then fails the whole lookup. The answer is then taken
    /// without validation, as Indeterminate: the domain stays reachable, DANE and secure delegation do not apply.
    /// </summary>
    [Fact]
    public async Task ResolveAddressesAsync_UnsignedZoneThroughValidatingResolver_ResolvesButIsNeverSecure()
    {
        var resolver = Resolver(world.Dns.ResolverEndPoint);

        var result = await resolver.ResolveAddressesAsync(DnssecHierarchyFixture.PlainHost).WaitAsync(s_bound);

        Assert.True(result.Status == DnsResponseStatus.Success, result.Detail);
        Assert.True(result.Dnssec is DnssecStatus.Insecure or DnssecStatus.Indeterminate, result.Detail);
        Assert.Equal(IPAddress.Parse("127.0.63.30"), Assert.Single(result.Addresses));
    }

    [Fact]
    public async Task ResolveAddressesAsync_AuthoritativeServerOnly_ValidatesTheWholeChain()
    {
        // nsd never validates and never sets AD: a Secure status can only come from the in-process validator.
        var resolver = Resolver(world.Dns.AuthoritativeEndPoint);

        var result = await resolver.ResolveAddressesAsync(DnssecHierarchyFixture.SrvTarget).WaitAsync(s_bound);

        Assert.Equal(DnssecStatus.Secure, result.Dnssec);
        Assert.Equal(IPAddress.Parse("127.0.63.10"), Assert.Single(result.Addresses));
    }

    [Fact]
    public async Task ResolveAddressesAsync_ResolverForgesAdOnAlteredRecord_IsStillBogus()
    {
        await using var liar = new DnssecAdForgingProxy(world.Dns.AuthoritativeEndPoint);

        // The proxy is on loopback: trusting the AD bit, the tampered record passes as secure...
        var trusting = new DnsResolver(Options(liar.EndPoint, DnssecMode.TrustAdFromTrustedResolvers));
        var believed = await trusting.ResolveAddressesAsync(DnssecHierarchyFixture.BogusHost).WaitAsync(s_bound);
        Assert.Equal(DnssecStatus.Secure, believed.Dnssec);

        // ...validating in-process, the same answers are bogus: the AD bit is not believed.
        var validating = Resolver(liar.EndPoint);
        var validated = await validating.ResolveAddressesAsync(DnssecHierarchyFixture.BogusHost).WaitAsync(s_bound);

        Assert.True(liar.Forged > 0);
        Assert.Equal(DnssecStatus.Bogus, validated.Dnssec);
        Assert.Empty(validated.Addresses);
    }

    [Fact]
    public async Task ResolveAddressesAsync_RealRootAnchorsOnTheTestHierarchy_IsNotSecure()
    {
        // The default anchors (the IANA root keys) do not sign the test root: nothing chains to them.
        var options = Options(world.Dns.ResolverEndPoint, DnssecMode.ValidateInProcess);
        options.TrustAnchors.Clear();
        var resolver = new DnsResolver(options);

        var result = await resolver.ResolveAddressesAsync(DnssecHierarchyFixture.SrvTarget).WaitAsync(s_bound);

        Assert.NotEqual(DnssecStatus.Secure, result.Dnssec);
        Assert.Empty(result.Addresses);
    }

    [Fact]
    public async Task AddPoshClient_ValidateInProcessWithTestAnchor_ResolvesSecure()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddPoshClient(o =>
        {
            o.DnssecMode = DnssecMode.ValidateInProcess;
            o.DnssecTrustAnchors.Add(world.Dns.RootTrustAnchor);
            o.DnsServers.Add(world.Dns.AuthoritativeEndPoint);
        });
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        var resolver = provider.GetRequiredService<DnsResolver>();

        var result = await resolver.ResolveTlsaAsync(DnssecHierarchyFixture.TlsaName).WaitAsync(s_bound);

        Assert.Equal(DnssecStatus.Secure, result.Dnssec);
    }

    private DnsResolver Resolver(IPEndPoint server) => new(Options(server, DnssecMode.ValidateInProcess));

    private DnsResolverOptions Options(IPEndPoint server, DnssecMode mode)
    {
        var options = new DnsResolverOptions { Mode = mode, AttemptTimeout = TimeSpan.FromSeconds(10) };
        options.Servers.Add(server);
        Assert.True(DnssecTrustAnchor.TryParse(world.Dns.RootTrustAnchor, out var anchor, out var error), error);
        options.TrustAnchors.Add(anchor);
        return options;
    }
}

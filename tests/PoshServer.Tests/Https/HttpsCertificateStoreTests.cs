using System.Net.Security;
using PoshServer.Https;
using PoshTesting;

namespace PoshServer.Tests.Https;

public sealed class HttpsCertificateStoreTests : IDisposable
{
    private readonly TestCertificateAuthority _root = new("Store Test Root");

    public void Dispose() => _root.Dispose();

    [Theory]
    [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    [InlineData("Bücher.Example.", "xn--bcher-kva.example")]
    [InlineData("EXAMPLE.org.", "EXAMPLE.org")]
    [InlineData("xn--.example", "xn--.example")]
    public void Normalize_AnyForm_GivesTheALabelWithoutTrailingDot(string input, string expected) =>
        Assert.Equal(expected, HttpsCertificateStore.Normalize(input), ignoreCase: true);

    [Fact]
    public void Select_LazyCertificate_BuildsOnceOnFirstSelection()
    {
        using var leaf = _root.Issue(["lazy.example"]);
        var builds = 0;
        var certificate = new HttpsCertificate(() =>
        {
            Interlocked.Increment(ref builds);
            return SslStreamCertificateContext.Create(leaf, null, offline: true);
        });
        var store = new HttpsCertificateStore();
        store.SetMany([KeyValuePair.Create("lazy.example", certificate), KeyValuePair.Create("www.lazy.example", certificate)]);
        Assert.Equal(0, builds);

        var first = store.Select("LAZY.example");
        var second = store.Select("www.lazy.example.");

        Assert.Same(first, second);
        Assert.Equal(1, builds);
    }

    [Fact]
    public void Select_LazyCertificateThatFailsToBuild_GetsTheFallback()
    {
        using var fallback = _root.Issue(["fallback.example"]);
        var fallbackContext = SslStreamCertificateContext.Create(fallback, null, offline: true);
        var store = new HttpsCertificateStore();
        store.SetFallback(fallbackContext);
        store.Set("broken.example", new HttpsCertificate(() => null));

        Assert.Same(fallbackContext, store.Select("broken.example"));
    }
}

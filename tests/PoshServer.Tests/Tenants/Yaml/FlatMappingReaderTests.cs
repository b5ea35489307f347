using PoshServer.Tenants.Yaml;

namespace PoshServer.Tests.Tenants.Yaml;

/// <summary>The fast path builds exactly the tree the full parser builds, and leaves everything else to it.</summary>
public sealed class FlatMappingReaderTests
{
    [Theory]
    [InlineData("domain: example.com\n")]
    [InlineData("domain: example.com")]
    [InlineData("domain: t7.bench.test\ncertificate_set: alt\nexpires: 7200\n")]
    [InlineData("domain: exa_mple..com\ndisabled: yes\nacme: true\n")]
    [InlineData("domain: xn--bcher-kva.example\nexpires: 0\nreference_expires: 1.5\n")]
    [InlineData("expire: 60\ndomain: example.com\n")]
    [InlineData("domain: null\n")]
    public void TryRead_FlatFile_GivesTheFullParsersTree(string text)
    {
        var fast = FlatMappingReader.TryRead(text);
        var full = YamlTreeReader.ReadWithParser(text, []);

        Assert.NotNull(fast);
        Assert.Equal(Describe(full), Describe(fast));
    }

    [Theory]
    [InlineData("")]
    [InlineData("domain: example.com # comment\n")]
    [InlineData("domain: \"example.com\"\n")]
    [InlineData("domain: example.com\n\n")]
    [InlineData("domain: example.com\r\n")]
    [InlineData("domain: example.com\nexpires: 60\nexpires: 120\n")]
    [InlineData("services: [xmpp-client]\n")]
    [InlineData("domain: &a example.com\n")]
    [InlineData("domain: example.com \n")]
    [InlineData("domain:example.com\n")]
    [InlineData("  domain: example.com\n")]
    [InlineData("domain: -x\n")]
    [InlineData("Domain: example.com\n")]
    [InlineData("domain: example.com\n---\ndomain: example.org\n")]
    public void TryRead_AnythingElse_IsLeftToTheFullParser(string text) => Assert.Null(FlatMappingReader.TryRead(text));

    private static string Describe(YamlNode? node) => node switch
    {
        null => "null",
        YamlScalar s => $"scalar({s.Value},{s.IsPlain},{s.Line},{s.Column})",
        YamlSequence q => $"seq({q.Line},{q.Column})[{string.Join(';', q.Items.Select(Describe))}]",
        YamlMapping m => $"map({m.Line},{m.Column}){{{string.Join(';', m.Entries.Select(e => Describe(e.Key) + "=" + Describe(e.Value)))}}}",
        _ => node.ToString() ?? "?",
    };
}

using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PoshServer.Tenants;

namespace PoshServer.Tests.Hardening;

/// <summary>
/// More than a hundred malformed or hostile tenant files dropped next to a good tenant on a running server: each is
/// rejected with a precise error (message and, where the problem has one, its line), the good tenant keeps
/// serving, and memory stays bounded.
/// </summary>
public sealed class TenantFileCorpusTests : IAsyncLifetime
{
    private const string Good = "good.example";
    private readonly TenantWorld _world = new();
    private PoshServerHost _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _world.WriteTenant("good.example.yaml", $"domain: {Good}\n");
        // The corpus is written in place and loaded at once: this suite is about validation, not about settling.
        _server = await PoshServerHost.StartAsync(_world.Path, null, "--Tenants:SettleTime=00:00:00");
        _client = _server.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        _world.Dispose();
    }

    [Fact]
    public async Task HostileCorpus_EveryFileRejectedPrecisely_GoodTenantKeepsServing()
    {
        // Arrange
        var before = await _client.GetStringAsync($"https://{Good}/.well-known/posh/xmpp-server.json");
        var cases = Corpus().ToList();
        Assert.True(cases.Count >= 100, $"the corpus has {cases.Count} files");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);

        // Act
        foreach (var c in cases)
        {
            c.Create(_world.Combine(c.FileName));
        }

        var store = _server.Services.GetRequiredService<TenantStore>();
        var result = store.Reload("corpus");

        // Assert
        var problems = new List<string>();
        foreach (var c in cases)
        {
            var errors = result.Errors.Where(e => e.File.EndsWith("/" + c.FileName, StringComparison.Ordinal)).ToList();
            var match = errors.FirstOrDefault(e => e.Message.Contains(c.Fragment, StringComparison.Ordinal) && (c.Line is null || e.Line == c.Line));
            if (match is null)
            {
                problems.Add($"{c.FileName}: expected '{c.Fragment}' at line {c.Line?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "any"}, got: "
                    + (errors.Count == 0 ? "no error" : string.Join(" | ", errors.Select(e => e.ToString()))));
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.True(store.Current.Tenants.Count == 1 && store.Current.Tenants.ContainsKey(Good), "served: " + string.Join(", ", store.Current.Tenants.Keys));
        Assert.Equal(before, await _client.GetStringAsync($"https://{Good}/.well-known/posh/xmpp-server.json"));
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("https://b1.example/.well-known/posh/xmpp-server.json")).StatusCode);

        // The parse of huge and bomb files must not leave memory behind (a generous bound: the corpus itself is ~3 MB on disk).
        for (var i = 0; i < 3; i++)
        {
            store.Reload("corpus again");
        }

        var memoryAfter = GC.GetTotalMemory(forceFullCollection: true);
        Assert.True(memoryAfter - memoryBefore < 64L * 1024 * 1024, $"managed memory grew by {(memoryAfter - memoryBefore) / 1024} KiB");
    }

    /// <summary>The corpus, also checked against the JSON Schema (Schema/TenantSchemaTests).</summary>
    internal static IEnumerable<Case> Corpus()
    {
        var n = 0;
        Case Text(string content, string fragment, int? line) => new($"b{++n}.yaml", path => File.WriteAllText(path, content), fragment, line);
        Case Bytes(byte[] content, string fragment) => new($"b{++n}.yaml", path => File.WriteAllBytes(path, content), fragment, null);
        string Domain() => $"b{n + 1}.example";

        // YAML syntax errors.
        foreach (var broken in new[]
        {
            "domain: [unclosed\n", "domain: 'unterminated\n", "domain: \"unterminated\n", "{domain: x.example\n",
            "domain: x.example\nservices: [xmpp-client\n", "domain: x: y\n", "domain: \"bad \\q escape\"\n", "domain: x.example\n\t- tab\n",
"- a\nb: c\n", "domain: `x`\n", "@domain: x\n",
            "domain: |\n x\n y\n z\nservices: [\n", "]]]\n", "domain: x.example\n%YAML 1.2\n",
        })
        {
            yield return Text(broken, "YAML syntax error", null);
        }

        // A continuation line folds into the value; a tag with no key leaves an empty key.
        yield return Text("domain: x.example\n  - item\n", "is not a valid domain name", 1);
        yield return Text($"domain: {Domain()}\n!!binary : x\n", "unknown key ''", 2);

        // Not a mapping, or not one document.
        yield return Text("", "the file is empty", 1);
        yield return Text("# only a comment\n", "the file is empty", 1);
        yield return Text("- a\n- b\n", "a tenant file must be a mapping of keys", 1);
        yield return Text("just a scalar\n", "a tenant file must be a mapping of keys", 1);
        yield return Text($"domain: {Domain()}\n---\ndomain: other.example\n", "more than one YAML document", null);

        // Wrong types, per key.
        foreach (var key in new[] { "domain", "certificate_set", "description" })
        {
            yield return Text($"{(key == "domain" ? "" : $"domain: {Domain()}\n")}{key}: [a, b]\n", $"'{key}' must be a text value", key == "domain" ? 1 : 2);
            yield return Text($"{(key == "domain" ? "" : $"domain: {Domain()}\n")}{key}:\n  nested: x\n", $"'{key}' must be a text value", null);
        }

        foreach (var key in new[] { "expires", "reference_expires" })
        {
            foreach (var value in new[] { "abc", "1.5", "[1]", "true", "2.5e-1", "'3600'" })
            {
                yield return Text($"domain: {Domain()}\n{key}: {value}\n", $"'{key}' must be a whole number", 2);
            }

            foreach (var value in new[] { "0", "59", "99999999", "-5", "1e9", "0x10" })
            {
                yield return Text($"domain: {Domain()}\n{key}: {value}\n", "outside", 2);
            }
        }

        foreach (var key in new[] { "disabled", "acme" })
        {
            yield return Text($"domain: {Domain()}\n{key}: 'true'x\n", "YAML syntax error", 2);
            foreach (var value in new[] { "maybe", "1", "[true]", "on" })
            {
                yield return Text($"domain: {Domain()}\n{key}: {value}\n", $"'{key}' must be true or false", 2);
            }
        }

        foreach (var key in new[] { "services", "extra_certificates" })
        {
            yield return Text($"domain: {Domain()}\n{key}: just-text\n", $"'{key}' must be a list", 2);
            yield return Text($"domain: {Domain()}\n{key}:\n  a: b\n", $"'{key}' must be a list", null);
            yield return Text($"domain: {Domain()}\n{key}:\n  - [nested]\n", $"items of '{key}' must be text values", 3);
        }

        yield return Text($"domain: {Domain()}\nservices: [xmpp-client, xmpp-client]\n", "service 'xmpp-client' is listed twice", 2);
        yield return Text($"domain: {Domain()}\nservices: [xmpp]\n", "unknown service 'xmpp'", 2);
        yield return Text($"domain: {Domain()}\nservices: []\n", "'services' is empty", 2);

        // Unknown keys, missing and duplicate keys.
        foreach (var typo in new[] { "domian", "Domain", "expire", "service", "certificate-set", "extra_certificate", "disable", "__proto__", "0" })
        {
            yield return Text($"domain: {Domain()}\n{typo}: x\n", $"unknown key '{typo}'", 2);
        }

        yield return Text("services: [xmpp-client]\n", "required key 'domain' is missing", 1);
        yield return Text($"domain: {Domain()}\ndomain: other.example\n", "duplicate key 'domain' (first at line 1)", 2);
        yield return Text($"domain: {Domain()}\nexpires: 600\nexpires: 700\n", "duplicate key 'expires' (first at line 2)", 3);

        // Domains that are not domains.
        foreach (var (value, fragment) in new[]
        {
            ("192.0.2.1", "is an IP address"), ("'[2001:db8::1]'", "is an IP address"), ("localhost", "has a single label"),
            ("-bad.example", "not a valid domain name"), ("bad-.example", "not a valid domain name"), ("a..b.example", "not a valid domain name"),
            ("'http://x.example'", "not a valid domain name"), ("user@x.example", "not a valid domain name"), ("'x.example:5222'", "not a valid domain name"),
            ("'exa mple.com'", "not a valid domain name"), ("x_y.example", "not a valid domain name"), ("'x.example/path'", "not a valid domain name"),
            (new string('a', 64) + ".example", "not a valid domain name"), (string.Join('.', Enumerable.Repeat(new string('a', 63), 4)), "not a valid domain name"),
            ("'*.example'", "not a valid domain name"), ("xn--zz.example", "not a valid domain name"),
        })
        {
            yield return Text($"domain: {value}\n", fragment, 1);
        }

        // Path traversal and absolute paths in file references.
        foreach (var (value, fragment) in new[]
        {
            ("../../etc/passwd", "leaves the tenants directory"), ("certs/../../x.pem", "leaves the tenants directory"),
            ("..", "leaves the tenants directory"), ("./../x.pem", "leaves the tenants directory"),
            ("/etc/passwd", "is absolute"), ("/dev/zero", "is absolute"), ("/proc/self/environ", "is absolute"),
        })
        {
            yield return Text($"domain: {Domain()}\nextra_certificates:\n  - {value}\n", fragment, 3);
        }

        yield return Text($"domain: {Domain()}\nextra_certificates:\n  - certs/missing.pem\n", "missing.pem", 3);
        yield return Text($"domain: {Domain()}\ncertificate_set: nope\n", "unknown certificate set 'nope'", 2);

        // Size and shape bombs.
        yield return Text($"domain: {Domain()}\ndescription: {new string('x', 70_000)}\n", "tenant files are limited to", null);
        yield return Text($"domain: {Domain()}\n# {new string('#', 1_100_000)}\n", "tenant files are limited to", null);
        yield return Text($"domain: {Domain()}\nservices: {new string('[', 500)}{new string(']', 500)}\n", "nests deeper than", null);
        yield return Text(string.Concat(Enumerable.Range(0, 100).Select(i => new string(' ', i * 2) + $"k{i}:\n")), "nests deeper than", null);
        yield return Text($"domain: {Domain()}\nservices: [{string.Join(',', Enumerable.Repeat("a", 20_000))}]\n", "YAML nodes", null);

        // Anchors and aliases (a "billion laughs" document expands exponentially if aliases are resolved).
        yield return Text("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n", "YAML anchors (&name) are not supported", 1);
        yield return Text($"domain: &d {Domain()}\n", "YAML anchors (&name) are not supported", 1);
        yield return Text($"domain: {Domain()}\nservices: &s [xmpp-client]\n", "YAML anchors (&name) are not supported", 2);
        yield return Text($"base: &base\n  expires: 600\ndomain: {Domain()}\n", "YAML anchors (&name) are not supported", 1);
        yield return Text($"domain: {Domain()}\ndescription: *nothing\n", "aliases", null);

        // Binary junk and encodings that are not UTF-8.
        var random = new Random(7711);
        for (var i = 0; i < 8; i++)
        {
            var junk = new byte[1 + random.Next(4096)];
            random.NextBytes(junk);
            junk[0] = 0xFF;
            yield return Bytes(junk, "not valid UTF-8 text");
        }

        yield return Bytes(Encoding.UTF8.GetBytes($"domain: {Domain()}\0\n"), "not valid UTF-8 text");
        yield return Bytes([0xFF, 0xFE, .. Encoding.Unicode.GetBytes("domain: x.example\n")], "not valid UTF-8 text");
        yield return Bytes([0xC0, 0xAF], "not valid UTF-8 text");
        yield return Bytes([0xED, 0xA0, 0x80], "not valid UTF-8 text");

        // Duplicate domains: the good tenant owns its domain, however the copy spells it.
        foreach (var spelling in new[] { Good, "GOOD.example", "good.example.", "Good.Example" })
        {
            yield return Text($"domain: {spelling}\n", $"domain '{Good}' is already defined in", 1);
        }

        // Symbolic link loops and dangling links.
        yield return new Case("loop-a.yaml", path => File.CreateSymbolicLink(path, Path.Combine(Path.GetDirectoryName(path)!, "loop-b.yaml")), "the file", 0);
        yield return new Case("loop-b.yaml", path => File.CreateSymbolicLink(path, Path.Combine(Path.GetDirectoryName(path)!, "loop-a.yaml")), "the file", 0);
        yield return new Case("self.yaml", path => File.CreateSymbolicLink(path, path), "the file", 0);
        yield return new Case("dangling.yaml", path => File.CreateSymbolicLink(path, path + ".missing"), "the file", 0);
    }

    internal sealed record Case(string FileName, Action<string> Create, string Fragment, int? Line);
}

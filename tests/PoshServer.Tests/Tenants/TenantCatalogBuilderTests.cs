using System.Text;
using Microsoft.Extensions.Time.Testing;
using PoshClient.Documents;
using PoshServer.Tenants;
using PoshTesting;

namespace PoshServer.Tests.Tenants;

/// <summary>One bad file per validation rule: each asserts the file, line, column and message.</summary>
public sealed class TenantCatalogBuilderTests : IDisposable
{
    private readonly TenantWorld _world = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public void Dispose() => _world.Dispose();

    [Fact]
    public void Load_ValidTenant_PublishesTheSetCertificate()
    {
        _world.WriteTenant("example.com.yaml", "domain: example.com\n");

        var result = Load();

        Assert.False(result.HasErrors, string.Join('\n', result.Diagnostics));
        var entry = result.Snapshot.Tenants["example.com"];
        Assert.Equal(PoshServiceNames.All, entry.Tenant.Services);
        Assert.Equal(3600, entry.Tenant.Expires);
        var expected = Encoding.UTF8.GetString(PoshDocumentWriter.Write(new FingerprintsDocument
        {
            Fingerprints = [FingerprintDescriptor.FromCertificate(_world.HosterCertificate!)],
            Expires = 3600,
        }));
        Assert.Equal(expected, Encoding.UTF8.GetString(entry.Document!.Body));
    }

    [Theory]
    [InlineData("EXAMPLE.Com.", "example.com")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    [InlineData("XN--BCHER-KVA.example", "xn--bcher-kva.example")]
    public void Load_DomainSpellings_AreNormalised(string written, string expected)
    {
        _world.WriteTenant("t.yaml", $"domain: {written}\n");

        var result = Load();

        Assert.False(result.HasErrors, string.Join('\n', result.Diagnostics));
        Assert.Equal(expected, Assert.Single(result.Snapshot.Tenants).Key);
    }

    public static TheoryData<string, string, int, int, string> InvalidFiles => new()
    {
        // file text, expected message fragment, line, column, hint fragment
        { "domain: example.com\nservices: [xmpp-client\n", "YAML syntax error", 3, 1, "indentation" },
        { "domain: example.com\nexpire: 60\n", "unknown key 'expire'", 2, 1, "Did you mean 'expires'?" },
        { "domain: example.com\nexpires: 60\nexpires: 120\n", "duplicate key 'expires' (first at line 2)", 3, 1, "Remove one" },
        { "domain: exa_mple..com\n", "is not a valid domain name", 1, 9, "bare XMPP domain" },
        { "domain: https://example.com/\n", "is not a valid domain name", 1, 9, "no scheme" },
        { "domain: 192.0.2.1\n", "is an IP address", 1, 9, "bare XMPP domain" },
        { "domain: localhost\n", "has a single label", 1, 9, "bare XMPP domain" },
        { "description: no domain here\n", "required key 'domain' is missing", 1, 1, "Add 'domain: example.com'" },
        { "domain: example.com\nexpires: soon\n", "'expires' must be a whole number of seconds, not 'soon'", 2, 10, "no quotes" },
        { "domain: example.com\nexpires: 1.5\n", "'expires' must be a whole number of seconds", 2, 10, "no decimals" },
        { "domain: example.com\nexpires: 0\n", "'expires' is 0 seconds, outside 60..604800", 2, 10, "between 60" },
        { "domain: example.com\ndisabled: yes\n", "'disabled' must be true or false, not 'yes'", 2, 11, "'disabled: true'" },
        { "domain: example.com\nservices: [xmpp-client, xmpp-chat]\n", "unknown service 'xmpp-chat'", 2, 25, "xmpp-client, xmpp-server" },
        { "domain: example.com\nservices: xmpp-client\n", "'services' must be a list", 2, 11, "xmpp-client" },
        { "domain: example.com\nservices: []\n", "'services' is empty", 2, 11, "disabled: true" },
        { "domain: example.com\ncertificate_set: nope\n", "unknown certificate set 'nope'", 2, 18, "default" },
        { "domain: example.com\nextra_certificates: [certs/missing.pem]\n", "does not exist", 2, 22, "PEM or DER" },
        { "domain: example.com\nextra_certificates: [../outside.pem]\n", "leaves the tenants directory", 2, 22, "without '..'" },
        { "domain: example.com\nextra_certificates: [/etc/passwd]\n", "is absolute", 2, 22, "relative path" },
        { "domain: &a example.com\n", "anchors (&name) are not supported", 1, 9, "simplify" },
        { "- domain: example.com\n", "a tenant file must be a mapping of keys, not a list", 1, 1, "domain: example.com" },
        { "", "the file is empty", 1, 1, "domain: example.com" },
        { "domain: example.com\n---\ndomain: example.org\n", "more than one YAML document", 2, 1, "one tenant per file" },
    };

    [Theory]
    [MemberData(nameof(InvalidFiles))]
    public void Load_InvalidFile_ReportsFileLineColumnMessageAndHint(string text, string message, int line, int column, string hint)
    {
        _world.WriteTenant("bad.yaml", text);

        var result = Load();

        Assert.True(result.HasErrors);
        var error = Assert.Single(result.Errors);
        Assert.Equal(Path.Combine(_world.Path, "bad.yaml"), error.File);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Contains(hint, error.Hint, StringComparison.Ordinal);
        Assert.Empty(result.Snapshot.Tenants);
    }

    [Fact]
    public void Load_SeveralProblemsInOneFile_ReportsEveryOne()
    {
        _world.WriteTenant("bad.yaml", "domain: example.com\nexpire: 60\nservices: [chat]\ndisabled: maybe\n");

        var result = Load();

        Assert.Equal(3, result.Errors.Count());
    }

    [Fact]
    public void Load_NotACertificate_ReportsUnreadableCertificate()
    {
        _world.Write("certs/junk.pem", "this is not a certificate");
        _world.WriteTenant("t.yaml", "domain: example.com\nextra_certificates:\n  - certs/junk.pem\n");

        var error = Assert.Single(Load().Errors);

        Assert.Contains("is not a PEM or DER X.509 certificate", error.Message, StringComparison.Ordinal);
        Assert.Equal((3, 5), (error.Line, error.Column));
    }

    [Fact]
    public void Load_SameDomainInTwoFiles_RejectsTheSecondNamingTheFirst()
    {
        _world.WriteTenant("a.yaml", "domain: example.com\n");
        _world.WriteTenant("b.yaml", "description: copy\ndomain: Example.COM.\n");

        var result = Load();

        var error = Assert.Single(result.Errors);
        Assert.EndsWith("b.yaml", error.File, StringComparison.Ordinal);
        Assert.Equal((2, 9), (error.Line, error.Column));
        Assert.Contains("already defined in", error.Message, StringComparison.Ordinal);
        Assert.Contains("a.yaml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BodyOverTenThousandBytes_IsAnError()
    {
        var lines = new StringBuilder("domain: example.com\nextra_certificates:\n");
        for (var i = 0; i < 70; i++)
        {
            using var certificate = TestCertificates.SelfSigned([$"c{i}.example.com"]);
            _world.WriteCertificate($"certs/c{i}.pem", certificate);
            lines.Append("  - certs/c").Append(i).Append(".pem\n");
        }

        _world.WriteTenant("t.yaml", lines.ToString());

        var error = Assert.Single(Load().Errors);

        Assert.Contains("deployed verifiers read at most 10000", error.Message, StringComparison.Ordinal);
        Assert.Equal((3, 5), (error.Line, error.Column));
    }

    [Fact]
    public void Load_ExpiredCertificate_IsAWarningAndNotPublished()
    {
        using var expired = TestCertificates.SelfSigned(["old.example.com"], _time.GetUtcNow().AddDays(-90), _time.GetUtcNow().AddDays(-1));
        _world.WriteCertificate("certs/old.pem", expired);
        _world.WriteTenant("t.yaml", "domain: example.com\nextra_certificates: [certs/old.pem]\n");

        var result = Load();

        Assert.False(result.HasErrors);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(TenantDiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("is no longer published", warning.Message, StringComparison.Ordinal);
        var published = Assert.Single(result.Snapshot.Tenants["example.com"].Certificates);
        Assert.Equal(_world.HosterCertificate!.Subject, published.Subject);
    }

    [Fact]
    public void Load_NotYetValidCertificate_IsPublishedFirst()
    {
        using var next = TestCertificates.SelfSigned(["xmpp.hosting.test"], _time.GetUtcNow().AddDays(2), _time.GetUtcNow().AddDays(92));
        _world.WriteCertificate("certs/next.pem", next);
        _world.WriteSets("default:\n  certificates:\n    - certs/hosting.pem\n    - certs/next.pem\n");
        _world.WriteTenant("t.yaml", "domain: example.com\n");

        var result = Load();

        Assert.False(result.HasErrors, string.Join('\n', result.Diagnostics));
        var published = result.Snapshot.Tenants["example.com"].Certificates;
        Assert.Equal(2, published.Length);
        Assert.Equal(next.NotAfter.ToUniversalTime(), published[0].NotAfter.UtcDateTime, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Load_UnknownKeyInSetsFile_IsReportedInThatFile()
    {
        _world.WriteSets("default:\n  certificate: [certs/hosting.pem]\n");

        var result = Load();

        Assert.Contains(result.Errors, e => e.File.EndsWith("_certificate-sets.yaml", StringComparison.Ordinal) && e.Message == "unknown key 'certificate'" && e.Line == 2 && e.Column == 3);
    }

    [Fact]
    public void Load_AliasBomb_IsRejectedWithoutExpanding()
    {
        _world.WriteTenant("bomb.yaml", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b]\ndomain: example.com\n");

        var error = Assert.Single(Load().Errors);

        Assert.Contains("anchors", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DeepNesting_IsRejected()
    {
        _world.WriteTenant("deep.yaml", "domain: example.com\ndescription: " + new string('[', 5000) + new string(']', 5000) + "\n");

        var error = Assert.Single(Load().Errors);

        Assert.Contains("nests deeper than 16 levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_HugeFile_IsRejectedUnread()
    {
        _world.WriteTenant("huge.yaml", "domain: example.com\ndescription: " + new string('x', 100_000) + "\n");

        var error = Assert.Single(Load().Errors);

        Assert.Contains("tenant files are limited to 65536 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BinaryJunk_IsRejectedAsNotUtf8()
    {
        File.WriteAllBytes(_world.Combine("junk.yaml"), [0xFF, 0xFE, 0x00, 0x81, 0x00]);

        var error = Assert.Single(Load().Errors);

        Assert.Contains("not valid UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_OnReload_BadFileKeepsItsLastGoodVersion_AndOthersAreUnaffected()
    {
        _world.WriteTenant("a.yaml", "domain: a.example\nexpires: 600\n");
        _world.WriteTenant("b.yaml", "domain: b.example\n");
        var builder = CreateBuilder();
        var first = builder.Load(lastGood: null);

        _world.WriteTenant("a.yaml", "domain: a.example\nexpires: [broken\n");
        _world.WriteTenant("b.yaml", "domain: b.example\nexpires: 900\n");
        var second = builder.Load(first.Snapshot);

        Assert.True(second.HasErrors);
        Assert.Equal(600, second.Snapshot.Tenants["a.example"].Tenant.Expires);
        Assert.Equal(900, second.Snapshot.Tenants["b.example"].Tenant.Expires);
        Assert.Contains(second.Diagnostics, d => !d.IsError && d.Message.Contains("keeps serving its last good version", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_WithChangedFiles_LooksOnlyAtThoseFilesAndKeepsTheRest()
    {
        _world.WriteTenant("a.yaml", "domain: a.example\nexpires: 600\n");
        _world.WriteTenant("b.yaml", "domain: b.example\nexpires: 600\n");
        var builder = CreateBuilder();
        var first = builder.Load(lastGood: null);

        _world.WriteTenant("a.yaml", "domain: a.example\nexpires: 700\n");
        _world.WriteTenant("b.yaml", "domain: b.example\nexpires: 700\n");
        _world.WriteTenant("c.yaml", "domain: c.example\n");
        _world.Delete("b.yaml");
        var second = builder.Load(first.Snapshot, [_world.Combine("a.yaml"), _world.Combine("c.yaml")]);

        // a and c were named: a is re-read, c is added. b was not named: the last listing still has it, unchanged.
        Assert.False(second.HasErrors, string.Join('\n', second.Diagnostics));
        Assert.Equal(700, second.Snapshot.Tenants["a.example"].Tenant.Expires);
        Assert.True(second.Snapshot.Tenants.ContainsKey("c.example"));
        Assert.Same(first.Snapshot.Tenants["b.example"], second.Snapshot.Tenants["b.example"]);

        var third = builder.Load(second.Snapshot, [_world.Combine("b.yaml")]);

        Assert.False(third.Snapshot.Tenants.ContainsKey("b.example"));
        Assert.Equal(2, third.Snapshot.Tenants.Count);
    }

    [Fact]
    public void Load_SharedDocuments_AreOneInstanceForTenantsOfTheSameSet()
    {
        _world.WriteTenant("a.yaml", "domain: a.example\n");
        _world.WriteTenant("b.yaml", "domain: b.example\n");

        var snapshot = Load().Snapshot;

        Assert.Same(snapshot.Tenants["a.example"].Document, snapshot.Tenants["b.example"].Document);
        Assert.Same(snapshot.DefaultSet!.Document, snapshot.Tenants["a.example"].Document);
    }

    [Theory]
    [InlineData("file")]
    [InlineData("symlink loop")]
    public void Issue13_ListingFails_NamedFileIsNotWithdrawn_AndTheLoadIsDegradedUntilItRecovers(string replacement)
    {
        _world.WriteTenant("a.yaml", "domain: a.example\nexpires: 600\n");
        var builder = CreateBuilder();
        var first = builder.Load(lastGood: null);
        var away = _world.Path + ".away";
        Directory.Move(_world.Path, away);
        if (replacement == "file")
        {
            File.WriteAllText(_world.Path, "not a directory");
        }
        else
        {
            File.CreateSymbolicLink(_world.Path, _world.Path);
        }

        try
        {
            // The watcher named the file (an event from the old directory): it cannot be examined, so it is not "gone".
            var targeted = builder.Load(first.Snapshot, [_world.Combine("a.yaml")]);
            var full = builder.Load(targeted.Snapshot);

            foreach (var result in new[] { targeted, full })
            {
                Assert.Equal(600, result.Snapshot.Tenants["a.example"].Tenant.Expires);
                Assert.Contains(result.Errors, e => e.Transient);
            }
        }
        finally
        {
            File.Delete(_world.Path);
            Directory.Move(away, _world.Path);
        }

        var recovered = builder.Load(builder.Load(first.Snapshot).Snapshot);
        Assert.False(recovered.HasErrors, string.Join('\n', recovered.Diagnostics));
        Assert.True(recovered.Snapshot.Tenants.ContainsKey("a.example"));
    }

    [Fact]
    public void Load_NamedFileDeleted_WithdrawsIt_AndAWaitingDuplicateTakesTheDomainOver()
    {
        _world.WriteTenant("a.yaml", "domain: example.com\n");
        _world.WriteTenant("b.yaml", "domain: example.com\nexpires: 900\n");
        var builder = CreateBuilder();
        var first = builder.Load(lastGood: null);
        Assert.Contains(first.Errors, e => e.File.EndsWith("b.yaml", StringComparison.Ordinal));

        _world.Delete("a.yaml");
        var second = builder.Load(first.Snapshot, [_world.Combine("a.yaml")]);

        Assert.False(second.HasErrors, string.Join('\n', second.Diagnostics));
        Assert.Equal(900, second.Snapshot.Tenants["example.com"].Tenant.Expires);
    }

    [Fact]
    public void Load_NamedFileClaimsAServedDomain_IsRejectedAndKeepsItsLastGoodVersion()
    {
        _world.WriteTenant("a.yaml", "domain: a.example\n");
        _world.WriteTenant("b.yaml", "domain: b.example\n");
        var builder = CreateBuilder();
        var first = builder.Load(lastGood: null);

        _world.WriteTenant("b.yaml", "domain: a.example\n");
        var second = builder.Load(first.Snapshot, [_world.Combine("b.yaml")]);

        var error = Assert.Single(second.Errors);
        Assert.Contains("already defined in", error.Message, StringComparison.Ordinal);
        Assert.Same(first.Snapshot.Tenants["a.example"], second.Snapshot.Tenants["a.example"]);
        Assert.Same(first.Snapshot.Tenants["b.example"], second.Snapshot.Tenants["b.example"]);
        Assert.Same(first.Snapshot.Tenants["a.example"].Document, second.Snapshot.Tenants["b.example"].Document);
    }

    [Fact]
    public void FullReload_NewFilesClaimingOneDomain_TheFirstByNameServesIt_WhateverTheDirectoryOrder()
    {
        // A full load on unchanged sets applies only the files that changed; they must still go in name order, as a
        // rebuild (or a restart) would take them, not in the order the directory lists them.
        _world.WriteTenant("served.yaml", "domain: served.example\n");
        var builder = CreateBuilder();
        var first = builder.Load(lastGood: null);
        string[] claimants = ["m.yaml", "c.yaml", "x.yaml", "a.yaml", "q.yaml", "h.yaml", "e.yaml", "t.yaml"];
        foreach (var (name, i) in claimants.Select((name, i) => (name, i)))
        {
            _world.WriteTenant(name, $"domain: new.example\nexpires: {600 + i}\n");
        }

        var second = builder.Load(first.Snapshot);

        Assert.Equal(600 + Array.IndexOf(claimants, "a.yaml"), second.Snapshot.Tenants["new.example"].Tenant.Expires);
        Assert.Equal(claimants.Length - 1, second.Errors.Count(e => e.Message.Contains("already defined in", StringComparison.Ordinal)));
        Assert.Equivalent(CreateBuilder().Load(lastGood: null).Snapshot.Tenants["new.example"].Tenant, second.Snapshot.Tenants["new.example"].Tenant);
    }

    private CatalogLoadResult Load() => CreateBuilder().Load(lastGood: null);

    private TenantCatalogBuilder CreateBuilder() => _world.CreateBuilder(_time);
}

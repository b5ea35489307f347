using System.Text.Json;
using Json.Schema;
using Microsoft.Extensions.Options;
using PoshServer.Certificates;
using PoshServer.Posh;
using PoshServer.Tenants;
using PoshServer.Tests.Hardening;
using PoshTesting;
using YamlDotNet.RepresentationModel;

namespace PoshServer.Tests.Schema;

/// <summary>
/// The JSON Schemas in schema/ (what editors check while an operator types) and the server's loader agree, in both
/// directions: every example and every generated case is accepted by both or rejected by both, boundary values just
/// inside and just outside each range included. Where the loader knows more than a schema can (a domain's syntax,
/// paths that leave the tenants directory, files that do not exist, sets that are not defined), the schema accepts
/// and the loader rejects; those cases are listed apart, and the reverse never happens.
/// </summary>
public sealed class TenantSchemaTests
{
    private const string SetName64 = "s234567890123456789012345678901234567890123456789012345678901234";
    private static readonly JsonSchema s_tenantSchema = Load("tenant.schema.json");
    private static readonly JsonSchema s_setsSchema = Load("certificate-sets.schema.json");

    public static TheoryData<string, bool> TenantCases()
    {
        var data = new TheoryData<string, bool>();
        void With(string lines, bool valid) => data.Add("domain: t.example\n" + lines, valid);

        data.Add("domain: t.example\n", true);
        data.Add("domain: T.Example.\n", true);
        data.Add($"domain: {Labels(63, 63, 63, 61)}\n", true); // 253 characters
        data.Add($"domain: {Labels(63, 63, 63, 62)}\n", false); // 254
        data.Add("domain: ''\n", false);
        data.Add("domain: [t.example]\n", false);
        data.Add("domain:\n", false);
        data.Add("services: [xmpp-client]\n", false); // no domain
        data.Add("", false);
        data.Add("- domain: t.example\n", false);
        data.Add("just text\n", false);

        foreach (var (key, min, max) in new[] { ("expires", 60L, 604_800L), ("reference_expires", 60L, 2_592_000L) })
        {
            foreach (var value in new[] { $"{min}", $"{max}", "3600", "0600", $"+{min}" })
            {
                With($"{key}: {value}\n", true);
            }

            With($"{key}: 0x3C\n", true); // 60 in the core schema's hexadecimal form
            With($"{key}: 0o74\n", true); // 60, octal
            foreach (var value in new[] { "6e1", "60.0", "1e3" })
            {
                With($"{key}: {value}\n", true); // JSON Schema's "integer" is any number without a fractional part
            }
            foreach (var value in new[] { $"{min - 1}", $"{max + 1}", "0", $"-{min}", "99999999999999999999", "1.5", "60.5", "1e-1", "'3600'", "\"3600\"", "true", "[60]", "{a: 1}", "~", "" })
            {
                With($"{key}: {value}\n", false);
            }
        }

        foreach (var key in new[] { "disabled", "acme" })
        {
            foreach (var value in new[] { "true", "false", "True", "FALSE" })
            {
                With($"{key}: {value}\n", true);
            }

            foreach (var value in new[] { "yes", "on", "1", "'true'", "~", "[true]", "tru" })
            {
                With($"{key}: {value}\n", false);
            }
        }

        foreach (var value in new[] { "[xmpp-client]", "[xmpp-server, xmpp-client]", "\n  - xmpp-server" })
        {
            With($"services: {value}\n", true);
        }

        foreach (var value in new[] { "[]", "[xmpp]", "[xmpp-client, xmpp-client]", "xmpp-client", "~", "[1]", "[[xmpp-client]]" })
        {
            With($"services: {value}\n", false);
        }

        foreach (var value in new[] { "default", "eu-2.b_c", SetName64, "'default'" })
        {
            With($"certificate_set: {value}\n", true);
        }

        foreach (var value in new[] { "Default", SetName64 + "5", "-eu", "[default]", "42", "~" })
        {
            With($"certificate_set: {value}\n", false);
        }

        foreach (var value in new[] { "Any text, with a comma", "'42'", "''", "\"true\"", "2026 migration" })
        {
            With($"description: {value}\n", true);
        }

        foreach (var value in new[] { "42", "true", "1.5", "~", "[a]", "{a: b}" })
        {
            With($"description: {value}\n", false);
        }

        foreach (var value in new[] { "[certs/hosting.pem]", "[]", "\n  - ./certs/hosting.pem" })
        {
            With($"extra_certificates: {value}\n", true);
        }

        foreach (var value in new[] { "certs/hosting.pem", "['']", "[~]", "[[certs/hosting.pem]]", "{a: b}" })
        {
            With($"extra_certificates: {value}\n", false);
        }

        foreach (var key in new[] { "domian", "Domain", "expire", "extra", "__proto__", "0", "''" })
        {
            With($"{key}: x\n", false);
        }

        return data;
    }

    /// <summary>Files the schema accepts and the loader rejects for what only the loader can know.</summary>
    public static TheoryData<string> BeyondTheSchemaTenantCases() =>
    [
        "domain: localhost\n",
        "domain: 192.0.2.1\n",
        "domain: -bad.example\n",
        "domain: user@t.example\n",
        "domain: t.example\ncertificate_set: undefined\n",
        "domain: t.example\nextra_certificates: [../outside.pem]\n",
        "domain: t.example\nextra_certificates: [/etc/passwd]\n",
        "domain: t.example\nextra_certificates: [certs/missing.pem]\n",
    ];

    public static TheoryData<string, bool> CertificateSetCases()
    {
        var data = new TheoryData<string, bool>();
        void Set(string lines, bool valid) => data.Add("default:\n  certificates: [a.pem]\n" + lines, valid);
        void Deploy(string lines, bool valid) => Set("  next: next.pem\n  deploy:\n    certificate: live.pem\n" + lines, valid);

        data.Add("default:\n  certificates: [a.pem]\n", true);
        data.Add("default:\n  certificates:\n    - /etc/prosody/certs/a.pem\n    - b.der\n", true);
        data.Add($"{SetName64}:\n  certificates: [a.pem]\n", true);
        data.Add("eu-2.b_c:\n  certificates: [a.pem]\n", true);
        data.Add($"{SetName64}5:\n  certificates: [a.pem]\n", false);
        data.Add("Default:\n  certificates: [a.pem]\n", false);
        data.Add("-eu:\n  certificates: [a.pem]\n", false);
        data.Add("default: a.pem\n", false);
        data.Add("default:\n  certificates: []\n", false);
        data.Add("default:\n  certificates: a.pem\n", false);
        data.Add("default:\n  certificates: ['']\n", false);
        data.Add("default:\n  certificates: [[a.pem]]\n", false);
        data.Add("default:\n  description: no certificates\n", false);
        data.Add("", false);
        data.Add("- default\n", false);

        Set("  description: Cluster A\n", true);
        Set("  description: 42\n", false);
        Set("  certificate: a.pem\n", false);
        Set("  next: next.pem\n", true);
        Set("  next: ''\n", false);
        Set("  next: [next.pem]\n", false);
        Set("  next_key: next.key\n", true);
        Set("  next_key: ''\n", false);

        Deploy(string.Empty, true);
        Set("  deploy:\n    certificate: live.pem\n", true);
        Set("  deploy:\n    key: live.key\n", false); // no certificate
        Set("  deploy: live.pem\n", false);
        Deploy("    certificate: ''\n", false);
        Deploy("    key: live.key\n", true);
        Deploy("    key: ''\n", false);
        Deploy("    reload: [prosodyctl, reload]\n", true);
        Deploy("    reload: []\n", false);
        Deploy("    reload: prosodyctl\n", false);
        Deploy("    reload: ['']\n", false);
        Deploy("    reload: [kill, -HUP, 4242]\n", true); // a PID written plainly is an argument
        Deploy("    reload: [false]\n", true); // the program false, not a boolean
        Deploy("    automatic: true\n", true);
        Deploy("    automatic: False\n", true);
        Deploy("    automatic: yes\n", false);
        Deploy("    margin: 0\n", true);
        Deploy("    margin: 604800\n", true);
        Deploy("    margin: 900\n", true);
        Deploy("    margin: -1\n", false);
        Deploy("    margin: 604801\n", false);
        Deploy("    margin: 1.5\n", false);
        Deploy("    margin: '900'\n", false);
        Deploy("    marign: 900\n", false);

        // Rules between fields: automatic needs next; next_key needs somewhere to copy the key to.
        Set("  deploy:\n    certificate: live.pem\n    automatic: true\n", false);
        Set("  deploy:\n    certificate: live.pem\n    automatic: false\n", true);
        Set("  next_key: next.key\n  deploy:\n    certificate: live.pem\n", false);
        Set("  next_key: next.key\n  deploy:\n    certificate: live.pem\n    key: live.key\n", true);
        return data;
    }

    [Theory]
    [MemberData(nameof(TenantCases))]
    public void TenantFile_SchemaAndLoader_GiveTheSameVerdict(string yaml, bool valid)
    {
        var schema = SchemaAccepts(s_tenantSchema, yaml);
        var loader = LoaderErrors(yaml);

        Assert.True(schema == valid, $"schema {(schema ? "accepts" : "rejects")}:\n{yaml}");
        Assert.True(loader.Count == 0 == valid, $"loader {(loader.Count == 0 ? "accepts" : "rejects: " + string.Join(" | ", loader))}:\n{yaml}");
    }

    [Theory]
    [MemberData(nameof(BeyondTheSchemaTenantCases))]
    public void TenantFile_WhatOnlyTheLoaderKnows_SchemaAcceptsLoaderRejects(string yaml)
    {
        Assert.True(SchemaAccepts(s_tenantSchema, yaml), yaml);
        Assert.NotEmpty(LoaderErrors(yaml));
    }

    [Theory]
    [MemberData(nameof(CertificateSetCases))]
    public void CertificateSetsFile_SchemaAndParser_GiveTheSameVerdict(string yaml, bool valid)
    {
        var schema = SchemaAccepts(s_setsSchema, yaml);
        var (_, diagnostics) = CertificateSetFileParser.Parse(yaml, "_certificate-sets.yaml", "/srv/tenants");

        Assert.True(schema == valid, $"schema {(schema ? "accepts" : "rejects")}:\n{yaml}");
        Assert.True(diagnostics.Count == 0 == valid, $"parser {(diagnostics.Count == 0 ? "accepts" : "rejects: " + string.Join(" | ", diagnostics))}:\n{yaml}");
    }

    [Fact]
    public void Examples_EveryShippedTenantAndSetsFile_AcceptedByItsSchemaAndTheParser()
    {
        var examples = Examples().ToList();
        Assert.True(examples.Count >= 10, $"found {examples.Count} examples");

        var problems = new List<string>();
        foreach (var (name, yaml) in examples)
        {
            var sets = name.EndsWith("_certificate-sets.yaml", StringComparison.Ordinal) || name.Contains("certificate sets", StringComparison.Ordinal);
            if (!SchemaAccepts(sets ? s_setsSchema : s_tenantSchema, yaml))
            {
                problems.Add($"{name}: the schema rejects it");
            }

            IEnumerable<TenantDiagnostic> diagnostics = sets
                ? CertificateSetFileParser.Parse(yaml, name, "/srv/tenants").Diagnostics
                : TenantFileParser.Parse(yaml, name, "/srv/tenants", new TenantsOptions { Directory = "/srv/tenants" }).Diagnostics;
            problems.AddRange(diagnostics.Select(d => d.ToString()));
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void HostileCorpus_EveryShapeErrorTheLoaderReports_TheSchemaReportsToo()
    {
        using var world = new TenantWorld();
        world.WriteTenant("good.example.yaml", "domain: good.example\n");
        var cases = TenantFileCorpusTests.Corpus().ToList();
        foreach (var c in cases)
        {
            c.Create(world.Combine(c.FileName));
        }

        var errors = Builder(world.Path).Load(lastGood: null).Errors.ToList();

        // What the schema can express: types, ranges, enums, unknown, missing and repeated entries.
        string[] shape =
        [
            "must be a text value", "must be a whole number", "outside", "must be true or false", "must be a list", "items of",
            "unknown key", "required key", "is listed twice", "unknown service", "'services' is empty", "must be a mapping", "the file is empty",
        ];
        var problems = new List<string>();
        var shapeCases = 0;
        foreach (var c in cases)
        {
            var path = world.Combine(c.FileName);
            var own = errors.Where(e => e.File.EndsWith("/" + c.FileName, StringComparison.Ordinal)).ToList();
            // A copy of good.example's domain that sorts first keeps the domain in a fresh load (the running server
            // of TenantFileCorpusTests keeps its last good tenant instead): which file wins is not a schema matter.
            if (!own.Any(e => shape.Any(s => e.Message.Contains(s, StringComparison.Ordinal))))
            {
                continue; // YAML syntax, encoding, size, anchors, domains, paths, duplicates: beyond a JSON Schema
            }

            shapeCases++;
            if (SchemaAccepts(s_tenantSchema, File.ReadAllText(path)))
            {
                problems.Add($"{c.FileName}: the loader reports '{own[0].Message}', the schema accepts:\n{File.ReadAllText(path)}");
            }
        }

        Assert.True(shapeCases >= 40, $"{shapeCases} shape cases");
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    private static IEnumerable<(string Name, string Yaml)> Examples()
    {
        foreach (var file in Directory.GetFiles(RepositoryPaths.Combine("tenants"), "*.yaml").Order(StringComparer.Ordinal))
        {
            yield return ($"tenants/{Path.GetFileName(file)}", File.ReadAllText(file));
        }

        // The Kubernetes ConfigMap holds tenant files as values, one key per file name.
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(RepositoryPaths.Combine("deploy", "kubernetes", "base", "tenants-configmap.yaml"))));
        var configMap = (YamlMappingNode)stream.Documents[0].RootNode;
        foreach (var (key, value) in (YamlMappingNode)configMap.Children[new YamlScalarNode("data")])
        {
            yield return ($"tenants-configmap.yaml:{key}", ((YamlScalarNode)value).Value!);
        }

        // README's reference blocks: the tenant file and the certificate sets (with and without rotation).
        var readme = File.ReadAllText(RepositoryPaths.Combine("README.md"));
        var blocks = readme.Split("```yaml\n").Skip(1).Select(b => b[..b.IndexOf("```", StringComparison.Ordinal)]).ToList();
        Assert.True(blocks.Count >= 3, $"README has {blocks.Count} yaml blocks");
        foreach (var (block, index) in blocks.Select((b, i) => (b, i)))
        {
            yield return (block.StartsWith("domain:", StringComparison.Ordinal) ? $"README.md block {index + 1}" : $"README.md block {index + 1} (certificate sets)", block);
        }
    }

    private static List<string> LoaderErrors(string yaml)
    {
        using var world = new TenantWorld();
        world.WriteCertificate("certs/more.pem", TestCertificates.SelfSigned(["more.test"]));
        world.WriteSets($"""
            default:
              certificates: [certs/hosting.pem]
            eu-2.b_c:
              certificates: [certs/more.pem]
            {SetName64}:
              certificates: [certs/more.pem]
            """);
        world.WriteTenant("t.yaml", yaml);
        return [.. Builder(world.Path).Load(lastGood: null).Errors.Select(e => e.ToString())];
    }

    private static TenantCatalogBuilder Builder(string directory) => new(
        Options.Create(new TenantsOptions { Directory = directory }),
        Options.Create(new PoshOptions { HostNames = ["posh.hosting.example"], PublicBaseUrl = new Uri("https://posh.hosting.example") }),
        new CertificateFileCache(),
        TimeProvider.System);

    private static bool SchemaAccepts(JsonSchema schema, string yaml) =>
        YamlJson.TryConvert(yaml, out var json) && schema.Evaluate(json, new EvaluationOptions { OutputFormat = OutputFormat.Flag }).IsValid;

    private static JsonSchema Load(string file) =>
        JsonSchema.FromText(File.ReadAllText(RepositoryPaths.Combine("schema", file)), new BuildOptions { SchemaRegistry = new SchemaRegistry() });

    private static string Labels(params int[] lengths) => string.Join('.', lengths.Select((n, i) => new string((char)('a' + i), n)));
}

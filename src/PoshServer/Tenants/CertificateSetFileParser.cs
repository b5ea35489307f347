using System.Collections.Immutable;
using PoshServer.Tenants.Yaml;

namespace PoshServer.Tenants;

/// <summary>
/// Parses the certificate sets file: a mapping from set name to the certificate files of that set.
/// <code>
/// default:
///   description: cluster A (xmpp1, xmpp2)
///   certificates:
///     - /etc/prosody/certs/hosting.example.net.crt
/// </code>
/// Optional rotation fields (S-12): <c>next</c> and <c>next_key</c> name the renewal candidate, published as soon
/// as the file exists; <c>deploy</c> names where the XMPP servers read their certificate and key, the reload command
/// (a list: program and arguments, run without a shell), <c>automatic</c> and <c>margin</c> (seconds).
/// The file is the hoster's own, so absolute paths are allowed; relative ones resolve against the tenants directory.
/// </summary>
internal static class CertificateSetFileParser
{
    public static readonly string[] Keys = ["description", "certificates", "next", "next_key", "deploy"];

    public static readonly string[] DeployKeys = ["certificate", "key", "reload", "automatic", "margin"];

    public static (ImmutableDictionary<string, CertificateSet>? Sets, List<TenantDiagnostic> Diagnostics) Parse(string text, string displayPath, string directory)
    {
        var problems = new List<YamlProblem>();
        var root = YamlTreeReader.Read(text, problems);
        var sets = ImmutableDictionary.CreateBuilder<string, CertificateSet>(StringComparer.Ordinal);
        if (root is YamlMapping mapping)
        {
            foreach (var (key, value) in mapping.Entries)
            {
                if (!IsValidName(key.Value))
                {
                    problems.Add(new YamlProblem(key.Line, key.Column, $"'{key.Value}' is not a valid set name", "Use lower-case letters, digits, '-', '_' and '.', starting with a letter or digit."));
                    continue;
                }

                if (value is not YamlMapping setMapping)
                {
                    problems.Add(new YamlProblem(value.Line, value.Column, $"set '{key.Value}' must be a mapping, not {value.Kind}", "Write 'certificates:' with a list of files under the set name."));
                    continue;
                }

                var fields = new YamlFieldReader(setMapping, Keys, problems);
                var files = NonEmpty(fields.StringList("certificates", "List the set's certificate files (PEM chain or DER), e.g. '- /etc/prosody/certs/hosting.pem'."), "certificates", problems);
                if (files is null || files.Count == 0)
                {
                    problems.Add(new YamlProblem(setMapping.Line, setMapping.Column, $"set '{key.Value}' has no certificates", "Add 'certificates:' with at least one file; a set without certificates would publish nothing."));
                    continue;
                }

                sets[key.Value] = new CertificateSet
                {
                    Name = key.Value,
                    Description = fields.String("description", required: false, "Write a short text.")?.Value,
                    Certificates = [.. files.Select(f => new CertificateReference(CertificatePaths.Resolve(directory, f.Value), f.Line, f.Column))],
                    Rotation = ParseRotation(fields, directory, problems),
                };
            }
        }
        else if (problems.Count == 0)
        {
            var (line, column) = root is null ? (1, 1) : (root.Line, root.Column);
            problems.Add(new YamlProblem(line, column, root is null ? "the certificate sets file is empty" : $"the certificate sets file must be a mapping of set names, not {root.Kind}", "Define at least the 'default' set."));
        }

        var diagnostics = problems.ConvertAll(p => TenantFileParser.Error(displayPath, p));
        return (diagnostics.Count == 0 ? sets.ToImmutable() : null, diagnostics);
    }

    private static CertificateSetRotation ParseRotation(YamlFieldReader fields, string directory, List<YamlProblem> problems)
    {
        string? Path(YamlScalar? scalar, string key) => NonEmpty(scalar, key, problems) is { } path ? CertificatePaths.Resolve(directory, path.Value) : null;
        var next = Path(fields.String("next", required: false, "Name the file a renewal tool writes the new certificate to."), "next");
        var nextKey = Path(fields.String("next_key", required: false, "Name the private key file of the next certificate."), "next_key");
        var deploy = fields.Mapping("deploy", "Write 'deploy:' with 'certificate:', 'key:', 'reload:' and 'automatic:' under it.");
        if (deploy is null)
        {
            return next is null && nextKey is null ? CertificateSetRotation.None : new CertificateSetRotation { NextCertificate = next, NextKey = nextKey };
        }

        var deployFields = new YamlFieldReader(deploy, DeployKeys, problems);
        var certificate = Path(deployFields.String("certificate", required: true, "Name the certificate file the XMPP servers read, e.g. /etc/prosody/certs/hosting.pem."), "certificate");
        var key = Path(deployFields.String("key", required: false, "Name the private key file the XMPP servers read."), "key");
        var reload = NonEmpty(deployFields.StringList("reload", "Write the command as a list, e.g. 'reload: [prosodyctl, reload]' (no shell is involved).", scalarsAsWritten: true), "reload", problems);
        if (reload is { Count: 0 })
        {
            var (line, column) = deployFields.PositionOf("reload");
            problems.Add(new YamlProblem(line, column, "'reload' is empty", "Name the program and its arguments, e.g. 'reload: [prosodyctl, reload]', or remove 'reload'."));
        }

        var automatic = deployFields.Bool("automatic") ?? false;
        var margin = deployFields.Integer("margin", 0, 604_800, "seconds");
        if (automatic && next is null)
        {
            problems.Add(new YamlProblem(deploy.Line, deploy.Column, "'automatic: true' needs a 'next' certificate to deploy", "Add 'next:' naming the file the renewal tool writes."));
        }

        if (nextKey is not null && key is null)
        {
            problems.Add(new YamlProblem(deploy.Line, deploy.Column, "'next_key' is set but 'deploy' has no 'key' to copy it to", "Add 'key:' under 'deploy:' naming the key file the XMPP servers read."));
        }

        return new CertificateSetRotation
        {
            NextCertificate = next,
            NextKey = nextKey,
            DeployCertificate = certificate,
            DeployKey = key,
            ReloadCommand = reload is null ? [] : [.. reload.Select(r => r.Value)],
            Automatic = automatic,
            Margin = margin is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        };
    }

    /// <summary>An empty file name would resolve to the tenants directory itself: refused, as schema/ refuses it (minLength).</summary>
    private static YamlScalar? NonEmpty(YamlScalar? scalar, string key, List<YamlProblem> problems)
    {
        if (scalar is { Value.Length: 0 })
        {
            problems.Add(new YamlProblem(scalar.Line, scalar.Column, $"'{key}' is empty", $"Name a file, or remove '{key}'."));
            return null;
        }

        return scalar;
    }

    private static IReadOnlyList<YamlScalar>? NonEmpty(IReadOnlyList<YamlScalar>? items, string key, List<YamlProblem> problems)
    {
        if (items is null)
        {
            return null;
        }

        foreach (var item in items.Where(i => i.Value.Length == 0))
        {
            problems.Add(new YamlProblem(item.Line, item.Column, $"an item of '{key}' is empty", "Remove the empty entry."));
        }

        return [.. items.Where(i => i.Value.Length > 0)];
    }

    private static bool IsValidName(string name) =>
        name.Length is > 0 and <= 64
        && char.IsAsciiLetterOrDigit(name[0])
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.');
}

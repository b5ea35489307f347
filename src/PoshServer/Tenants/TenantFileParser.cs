using System.Collections.Immutable;
using PoshClient.Documents;
using PoshClient.Names;
using PoshServer.Tenants.Yaml;

namespace PoshServer.Tenants;

/// <summary>
/// Turns the text of one tenant file into a <see cref="Tenant"/>, or into the list of everything wrong with it.
/// Checks that need the other files (duplicate domains, unknown sets, certificates) happen in <see cref="TenantCatalogBuilder"/>.
/// </summary>
internal static class TenantFileParser
{
    public static readonly string[] Keys =
        ["domain", "description", "certificate_set", "services", "expires", "reference_expires", "extra_certificates", "disabled", "acme"];

    /// <summary>
    /// Parses the file <paramref name="name"/> of the tenants directory (shown in messages as <see cref="TenantsOptions.Directory"/>);
    /// <paramref name="directory"/> is where its relative certificate paths are resolved.
    /// </summary>
    public static (Tenant? Tenant, ImmutableArray<TenantDiagnostic> Diagnostics, TenantFilePositions Positions) Parse(string text, string name, string directory, TenantsOptions options)
    {
        var problems = new List<YamlProblem>();
        var root = YamlTreeReader.Read(text, problems);
        Tenant? tenant = null;
        var positions = ParsedTenantFile.Start;
        if (root is YamlMapping mapping)
        {
            (tenant, positions) = Bind(mapping, name, directory, options, problems);
        }
        else if (problems.Count == 0)
        {
            var (line, column) = root is null ? (1, 1) : (root.Line, root.Column);
            problems.Add(new YamlProblem(line, column, root is null ? "the file is empty" : $"a tenant file must be a mapping of keys, not {root.Kind}", "Start with 'domain: example.com' (see tenants/example.com.yaml)."));
        }

        if (problems.Count == 0)
        {
            return (tenant, [], positions);
        }

        var displayPath = TenantCatalogBuilder.Display(options, name);
        return (null, [.. problems.Select(p => Error(displayPath, p))], positions);
    }

    internal static TenantDiagnostic Error(string file, YamlProblem problem) => new()
    {
        File = file,
        Line = problem.Line,
        Column = problem.Column,
        Severity = TenantDiagnosticSeverity.Error,
        Message = problem.Message,
        Hint = problem.Hint,
    };

    private static (Tenant? Tenant, TenantFilePositions Positions) Bind(YamlMapping mapping, string name, string directory, TenantsOptions options, List<YamlProblem> problems)
    {
        var fields = new YamlFieldReader(mapping, Keys, problems);

        string? domain = null;
        var domainNode = fields.String("domain", required: true, "Add 'domain: example.com' with the tenant's XMPP domain.");
        if (domainNode is not null)
        {
            if (DomainName.TryParseQualified(domainNode.Value, out var normalized, out var error))
            {
                domain = normalized.Value;
            }
            else
            {
                problems.Add(new YamlProblem(domainNode.Line, domainNode.Column, error.Message, "Use the bare XMPP domain, e.g. 'example.com' or 'bücher.example' (no scheme, port, path or '@')."));
            }
        }

        var services = BindServices(fields, problems);
        var extra = BindExtraCertificates(fields, directory, problems);
        var setNode = fields.String("certificate_set", required: false, "Name a set defined in the certificate sets file, e.g. 'certificate_set: default'.");

        var tenant = new Tenant
        {
            Domain = domain ?? string.Empty,
            SourceDirectory = options.Directory,
            SourceName = name,
            Description = fields.String("description", required: false, "Write a short text.")?.Value,
            // The default set's name is one string for every tenant that names it, as for those that leave it out.
            CertificateSet = setNode is null || string.Equals(setNode.Value, options.DefaultCertificateSet, StringComparison.Ordinal) ? options.DefaultCertificateSet : setNode.Value,
            Services = services,
            Expires = fields.Integer("expires", 60, 604_800, "seconds") ?? options.DefaultExpires,
            ReferenceExpires = fields.Integer("reference_expires", 60, 2_592_000, "seconds") ?? options.DefaultReferenceExpires,
            ExtraCertificates = extra,
            Disabled = fields.Bool("disabled") ?? false,
            Acme = fields.Bool("acme") ?? false,
        };
        var positions = new TenantFilePositions(OrStart(fields.PositionOf("domain")), OrStart(fields.PositionOf("certificate_set")));
        return (domain is null ? null : tenant, positions);
    }

    private static (int Line, int Column) OrStart((int Line, int Column) position) => position.Line == 0 ? (1, 1) : position;

    private static ImmutableArray<PoshService> BindServices(YamlFieldReader fields, List<YamlProblem> problems)
    {
        const string hint = "List one or both of: xmpp-client, xmpp-server.";
        var list = fields.StringList("services", hint);
        if (list is null)
        {
            return TenantServices.All;
        }

        var services = new List<PoshService>();
        foreach (var item in list)
        {
            if (!PoshServiceNames.TryParse(item.Value, out var service))
            {
                problems.Add(new YamlProblem(item.Line, item.Column, $"unknown service '{item.Value}'", hint));
            }
            else if (services.Contains(service.Value))
            {
                problems.Add(new YamlProblem(item.Line, item.Column, $"service '{item.Value}' is listed twice", "Remove the repeated entry."));
            }
            else
            {
                services.Add(service.Value);
            }
        }

        if (list.Count == 0)
        {
            var (line, column) = fields.PositionOf("services");
            problems.Add(new YamlProblem(line, column, "'services' is empty", "List at least one service, or set 'disabled: true' to revoke the tenant."));
        }

        return TenantServices.Shared([.. services]);
    }

    private static ImmutableArray<CertificateReference> BindExtraCertificates(YamlFieldReader fields, string directory, List<YamlProblem> problems)
    {
        var list = fields.StringList("extra_certificates", "List certificate files (PEM or DER) relative to the tenants directory, e.g. '- certs/example.com.pem'.");
        if (list is null)
        {
            return [];
        }

        var result = ImmutableArray.CreateBuilder<CertificateReference>();
        foreach (var item in list)
        {
            // Tenant files may only name files inside the tenants directory: a tenant file must not be a way to
            // make the server open arbitrary paths.
            if (!CertificatePaths.TryResolveInside(directory, item.Value, out var path, out var error))
            {
                problems.Add(new YamlProblem(item.Line, item.Column, error, "Put the tenant's certificate under the tenants directory (e.g. certs/) and use a relative path without '..'."));
                continue;
            }

            result.Add(new CertificateReference(path, item.Line, item.Column));
        }

        return result.ToImmutable();
    }
}

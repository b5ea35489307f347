using PoshServer.Tenants;

namespace PoshServer.Cli;

/// <summary>`tenants validate --json` output.</summary>
internal sealed record ValidationReport(bool Valid, int Tenants, int CertificateSets, IReadOnlyList<ValidationReport.Item> Diagnostics)
{
    public static ValidationReport From(CatalogLoadResult result) => new(
        !result.HasErrors,
        result.Snapshot.Tenants.Count,
        result.Snapshot.Sets.Count,
        [.. result.Diagnostics.Select(d => new Item(d.File, d.Line, d.Column, d.IsError ? "error" : "warning", d.Message, d.Hint))]);

    internal sealed record Item(string File, int Line, int Column, string Severity, string Message, string Hint);
}

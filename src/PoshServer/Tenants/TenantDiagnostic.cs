using System.Globalization;

namespace PoshServer.Tenants;

/// <summary>One problem in a tenant or certificate-set file: where, what, and how to fix it.</summary>
internal sealed record TenantDiagnostic
{
    public required string File { get; init; }

    /// <summary>1-based; 0 when the problem concerns the whole file.</summary>
    public int Line { get; init; }

    public int Column { get; init; }

    public required TenantDiagnosticSeverity Severity { get; init; }

    public required string Message { get; init; }

    public required string Hint { get; init; }

    /// <summary>An I/O failure rather than bad content (unreadable directory or file): the load is retried until it succeeds.</summary>
    public bool Transient { get; init; }

    public bool IsError => Severity == TenantDiagnosticSeverity.Error;

    /// <summary>Compiler-style: <c>tenants/example.com.yaml:3:5: error: unknown key 'expire'. Fix: …</c></summary>
    public override string ToString()
    {
        var where = Line > 0 ? string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}") : File;
        var severity = IsError ? "error" : "warning";
        return $"{where}: {severity}: {Message}. Fix: {Hint}";
    }

    public static TenantDiagnostic Error(string file, int line, int column, string message, string hint) =>
        new() { File = file, Line = line, Column = column, Severity = TenantDiagnosticSeverity.Error, Message = message, Hint = hint };

    public static TenantDiagnostic Warning(string file, int line, int column, string message, string hint) =>
        new() { File = file, Line = line, Column = column, Severity = TenantDiagnosticSeverity.Warning, Message = message, Hint = hint };
}

using System.Text;

namespace PoshServer.Acme;

/// <summary>A problem document (RFC 7807, RFC 8555 §6.7), with subproblems per identifier (§6.7.1).</summary>
internal sealed record AcmeProblem
{
    public const string Prefix = "urn:ietf:params:acme:error:";

    public string? Type { get; init; }

    public string? Detail { get; init; }

    public int? Status { get; init; }

    public AcmeIdentifier? Identifier { get; init; }

    public IReadOnlyList<AcmeProblem>? Subproblems { get; init; }

    /// <summary>Whether this is the ACME error <paramref name="name"/> (e.g. <c>badNonce</c>).</summary>
    public bool Is(string name) => string.Equals(Type, Prefix + name, StringComparison.Ordinal);

    /// <summary>One line for logs and per-name status: type, detail, and each subproblem.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(Type);
        if (!string.IsNullOrEmpty(Detail))
        {
            text.Append(text.Length > 0 ? ": " : string.Empty).Append(Detail);
        }

        foreach (var sub in Subproblems ?? [])
        {
            text.Append(" [").Append(sub.Identifier?.Value ?? "?").Append(": ").Append(sub.Describe()).Append(']');
        }

        return text.ToString();
    }
}

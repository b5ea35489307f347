using System.Collections.Immutable;
using PoshClient.Documents;

namespace PoshServer.Tenants;

/// <summary>One tenant domain, as loaded from its YAML file and validated.</summary>
internal sealed record Tenant
{
    /// <summary>The domain, normalised: lower case, no trailing dot, A-labels.</summary>
    public required string Domain { get; init; }

    /// <summary>The file the tenant came from, for messages.</summary>
    public required string SourceFile { get; init; }

    public required string CertificateSet { get; init; }

    public required ImmutableArray<PoshService> Services { get; init; }

    /// <summary>Seconds for the fingerprints document's <c>expires</c>.</summary>
    public required long Expires { get; init; }

    /// <summary>Seconds for the <c>expires</c> of the reference document the tenant publishes.</summary>
    public required long ReferenceExpires { get; init; }

    public required bool Disabled { get; init; }

    /// <summary>Whether PoshServer should obtain an HTTPS certificate for this domain via ACME (tenants opt in).</summary>
    public required bool Acme { get; init; }
}

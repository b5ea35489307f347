using System.Collections.Immutable;

namespace PoshServer.TenantChecks;

/// <summary>One observation about a tenant's set-up, the verifiers it affects, and how to fix it.</summary>
internal sealed record CheckFinding
{
    public required CheckArea Area { get; init; }

    /// <summary>xmpp-client or xmpp-server.</summary>
    public required string Service { get; init; }

    public required CheckVerdict Verdict { get; init; }

    public required string Message { get; init; }

    public string? Fix { get; init; }

    /// <summary>The verifiers this finding applies to; empty means all of them.</summary>
    public ImmutableArray<KnownVerifier> Verifiers { get; init; } = [];

    public bool Affects(KnownVerifier verifier) => Verifiers.IsDefaultOrEmpty || Verifiers.Contains(verifier);
}

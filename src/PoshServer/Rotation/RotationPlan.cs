using System.Collections.Immutable;
using PoshServer.Certificates;
using PoshServer.Tenants;

namespace PoshServer.Rotation;

/// <summary>The outcome of one evaluation: the new state, what to show, what to keep published and what to switch.</summary>
internal sealed record RotationPlan
{
    public required RotationState State { get; init; }

    public required ImmutableArray<RotationSetStatus> Statuses { get; init; }

    /// <summary>Certificates to keep published per set although their files may have changed (presented or draining).</summary>
    public required ImmutableDictionary<string, ImmutableArray<PublishedCertificate>> Retained { get; init; }

    /// <summary>Automatic switches that are due now.</summary>
    public required ImmutableArray<(string Set, CertificateSetRotation Rotation, PublishedCertificate Next)> Switches { get; init; }

    /// <summary>Newly published next certificates and retired ones, for logs.</summary>
    public required ImmutableArray<(string Set, RotationCertificateState Certificate, bool Published)> Events { get; init; }

    /// <summary>The next moment something changes by itself (a safe-at, a retirement, an expiry, a retry).</summary>
    public DateTimeOffset? NextDue { get; init; }
}

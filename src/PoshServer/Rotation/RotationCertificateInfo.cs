namespace PoshServer.Rotation;

/// <summary>A certificate as rotation shows it.</summary>
internal sealed record RotationCertificateInfo
{
    public required string Sha256 { get; init; }

    public required string Subject { get; init; }

    public required DateTimeOffset NotAfter { get; init; }

    public required string Path { get; init; }

    /// <summary>When it was first published; null when no running server has published it yet.</summary>
    public DateTimeOffset? FirstPublished { get; init; }

    /// <summary>For a retiring certificate: when it stops being published.</summary>
    public DateTimeOffset? RetireAt { get; init; }
}

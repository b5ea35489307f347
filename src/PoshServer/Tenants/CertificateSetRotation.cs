using System.Collections.Immutable;

namespace PoshServer.Tenants;

/// <summary>
/// How a certificate set is rotated (RFC 7711 §3.1, S-12): the renewal candidate in the <c>next</c> slot is published
/// at once, and deployed on the XMPP servers only after every cached document has had time to pick it up.
/// </summary>
internal sealed record CertificateSetRotation
{
    public static CertificateSetRotation None { get; } = new();

    /// <summary>The renewal candidate's certificate file (written by a renewal tool); absent until it exists.</summary>
    public string? NextCertificate { get; init; }

    /// <summary>The renewal candidate's private key, copied with it on an automatic switch.</summary>
    public string? NextKey { get; init; }

    /// <summary>The file the XMPP servers read their certificate from: what they present once reloaded.</summary>
    public string? DeployCertificate { get; init; }

    /// <summary>The file the XMPP servers read their private key from.</summary>
    public string? DeployKey { get; init; }

    /// <summary>Program and arguments run after an automatic switch (no shell), e.g. <c>[prosodyctl, reload]</c>.</summary>
    public ImmutableArray<string> ReloadCommand { get; init; } = [];

    /// <summary>Whether PoshServer copies the next certificate into place itself once it is safe.</summary>
    public bool Automatic { get; init; }

    /// <summary>Extra wait on top of the longest <c>expires</c>, for clock skew and HTTP caches (max-age=60). Null: the Rotation:Margin default.</summary>
    public TimeSpan? Margin { get; init; }

    /// <summary>Files whose changes matter to the set besides its certificates (for the file watcher).</summary>
    public IEnumerable<string> WatchedFiles => new[] { NextCertificate, DeployCertificate }.OfType<string>();
}

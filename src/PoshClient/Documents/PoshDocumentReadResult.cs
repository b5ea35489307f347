namespace PoshClient.Documents;

/// <summary>
/// The result of reading a POSH body: exactly one of <see cref="Fingerprints"/>, <see cref="Reference"/> or
/// <see cref="Error"/> is set, as <see cref="Kind"/> says. An <c>expires</c> of 0 is read faithfully; treating it
/// as invalid (RFC 7711 §3.1, §3.2) is the caller's decision.
/// </summary>
internal sealed record PoshDocumentReadResult
{
    /// <summary>Which kind of document the body holds.</summary>
    public required PoshDocumentKind Kind { get; init; }

    /// <summary>The fingerprints document, when <see cref="Kind"/> is <see cref="PoshDocumentKind.Fingerprints"/>.</summary>
    public FingerprintsDocument? Fingerprints { get; init; }

    /// <summary>The reference document, when <see cref="Kind"/> is <see cref="PoshDocumentKind.Reference"/>.</summary>
    public ReferenceDocument? Reference { get; init; }

    /// <summary>Why the body is malformed, precise enough to fix the document; null otherwise.</summary>
    public string? Error { get; init; }

    /// <summary>
    /// Values that were ignored in an otherwise valid document, e.g. a <c>sha-256</c> value that is not 32 bytes of
    /// standard base64. A descriptor left with no usable hash cannot match (RFC 7711 §3.3).
    /// </summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The <c>expires</c> of whichever document was read; null when malformed.</summary>
    public long? Expires => Fingerprints?.Expires ?? Reference?.Expires;

    internal static PoshDocumentReadResult Malformed(string error) => new() { Kind = PoshDocumentKind.Malformed, Error = error };
}

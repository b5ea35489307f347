namespace PoshClient.Documents;

/// <summary>What <see cref="PoshDocumentReader"/> found in a body.</summary>
internal enum PoshDocumentKind
{
    /// <summary>The body is not a POSH document; <see cref="PoshDocumentReadResult.Error"/> says why.</summary>
    Malformed,

    /// <summary>A fingerprints document (RFC 7711 §3.1).</summary>
    Fingerprints,

    /// <summary>A reference document (RFC 7711 §3.2).</summary>
    Reference,
}

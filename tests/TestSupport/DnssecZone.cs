namespace PoshTesting;

/// <summary>
/// A zone for <see cref="DnssecServer"/>: resource records in zone-file syntax with absolute owner names
/// (<c>xmpp.dane.test. 300 IN A 127.0.0.1</c>); SOA, NS and the name server's address are added.
/// </summary>
internal sealed record DnssecZone
{
    /// <summary>The zone apex without trailing dot, e.g. <c>dane.test</c>.</summary>
    public required string Name { get; init; }

    public required IReadOnlyList<string> Records { get; init; }

    public DnssecSigning Signing { get; init; } = DnssecSigning.Valid;

    /// <summary>
    /// Text replacements applied to the signed zone file: changing a record's data after signing leaves its RRSIG
    /// wrong, so a validating resolver finds the answer bogus. Each text must occur in the signed file.
    /// </summary>
    public IReadOnlyList<(string Find, string Replace)> TamperAfterSigning { get; init; } = [];
}

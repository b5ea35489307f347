namespace PoshClient.Dns;

/// <summary>The RFC 2782 target selection order: by priority, then weighted random within a priority.</summary>
public static class SrvOrdering
{
    /// <summary>Orders <paramref name="records"/> for connection attempts; "." targets are dropped.</summary>
    public static IReadOnlyList<SrvRecord> Order(IEnumerable<SrvRecord> records, Random? random = null) =>
        throw new NotSupportedException("Not implemented yet.");
}

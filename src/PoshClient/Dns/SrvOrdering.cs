namespace PoshClient.Dns;

/// <summary>The RFC 2782 target selection order: by priority, then weighted random within a priority.</summary>
internal static class SrvOrdering
{
    /// <summary>Orders <paramref name="records"/> for connection attempts; "." targets are dropped.</summary>
    /// <param name="records">The records of one SRV answer.</param>
    /// <param name="random">The source of the weighted choice; <see cref="Random.Shared"/> when null (pass a seeded one in tests).</param>
    /// <returns>The records in the order to try them.</returns>
    public static IReadOnlyList<SrvRecord> Order(IEnumerable<SrvRecord> records, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        random ??= Random.Shared;
        var ordered = new List<SrvRecord>();
        var byPriority = records
            .Where(r => !string.Equals(r.Target, ".", StringComparison.Ordinal))
            .GroupBy(r => r.Priority)
            .OrderBy(g => g.Key);
        foreach (var group in byPriority)
        {
            // RFC 2782 "Usage rules": weight-0 records first in the list, so they have a very small chance of being
            // picked while any weighted record remains. OrderBy is stable, so equal weights keep the server's order.
            var remaining = group.OrderBy(r => r.Weight == 0 ? 0 : 1).ToList();
            while (remaining.Count > 0)
            {
                var index = PickWeighted(remaining, random);
                ordered.Add(remaining[index]);
                remaining.RemoveAt(index);
            }
        }

        return ordered;
    }

    /// <summary>
    /// RFC 2782: sum the weights, attach the running sum to each record, pick a uniform random number in 0..sum
    /// (inclusive) and select the first record whose running sum is greater than or equal to it.
    /// </summary>
    private static int PickWeighted(List<SrvRecord> remaining, Random random)
    {
        var sum = remaining.Sum(r => (long)r.Weight);
        var number = random.NextInt64(0, sum + 1);
        long running = 0;
        for (var i = 0; i < remaining.Count; i++)
        {
            running += remaining[i].Weight;
            if (running >= number)
            {
                return i;
            }
        }

        return remaining.Count - 1;
    }
}

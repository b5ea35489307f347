using PoshServer.Tenants;

namespace PoshServer.Tests.Tenants;

/// <summary>
/// The served tenants' map against <see cref="Dictionary{TKey, TValue}"/>: random sets and removals, with maps handed
/// out along the way that must never change afterwards, and comparers whose hashes collide in part or in full so
/// every level of the trie and its collision nodes are reached.
/// </summary>
public sealed class PersistentMapTests
{
    public static TheoryData<string, int> Cases()
    {
        var cases = new TheoryData<string, int>();
        foreach (var comparer in new[] { "ordinal-ignore-case", "low-bits-only", "few-hashes", "one-hash" })
        {
            for (var seed = 1; seed <= 4; seed++)
            {
                cases.Add(comparer, seed);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RandomChanges_MatchADictionary_AndMapsHandedOutNeverChange(string comparerName, int seed)
    {
        var comparer = Comparer(comparerName);
        var random = new Random(seed);
        var expected = new Dictionary<string, int>(comparer);
        var builder = new PersistentMapBuilder<string, int>(comparer);
        var handedOut = new List<(PersistentMap<string, int> Map, Dictionary<string, int> Contents)>();
        for (var step = 0; step < 4000; step++)
        {
            // Few distinct keys, so sets replace, removals hit and the trie grows and shrinks again.
            var key = $"K{random.Next(600)}";
            var roll = random.Next(10);
            if (roll < 6)
            {
                builder[key.ToLowerInvariant()] = step;
                expected[key] = step;
            }
            else if (roll < 9)
            {
                Assert.Equal(expected.Remove(key), builder.Remove(key));
            }
            else
            {
                handedOut.Add((builder.ToImmutable(), new Dictionary<string, int>(expected, comparer)));
                if (random.Next(3) == 0)
                {
                    // Continue from the map just handed out, as a new load does from the last snapshot.
                    builder = handedOut[^1].Map.ToBuilder();
                }
            }

            Assert.Equal(expected.Count, builder.Count);
            Assert.Equal(expected.TryGetValue(key, out var want), builder.TryGetValue(key, out var got));
            Assert.Equal(want, got);
        }

        handedOut.Add((builder.ToImmutable(), expected));
        foreach (var (map, contents) in handedOut)
        {
            AssertSame(contents, map);
        }
    }

    [Fact]
    public void RemovingEveryKey_LeavesAnEmptyMap_ThatTakesKeysAgain()
    {
        var builder = new PersistentMapBuilder<string, int>(Comparer("few-hashes"));
        var keys = Enumerable.Range(0, 500).Select(i => $"k{i}").ToList();
        keys.ForEach(k => builder[k] = 1);
        var full = builder.ToImmutable();
        keys.ForEach(k => Assert.True(builder.Remove(k)));

        var empty = builder.ToImmutable();
        Assert.Empty(empty);
        Assert.Equal(0, empty.Root.EntryCount + empty.Root.ChildCount);
        Assert.Equal(500, full.Count);
        Assert.Equal(500, full.Select(pair => pair.Key).Distinct().Count());

        builder["again"] = 2;
        Assert.Equal(2, builder.ToImmutable()["again"]);
    }

    [Fact]
    public void ToImmutable_WithoutAChange_GivesTheSameInstance()
    {
        var builder = new PersistentMapBuilder<string, int>(StringComparer.Ordinal);
        builder["a"] = 1;
        var first = builder.ToImmutable();
        Assert.False(builder.Remove("absent"));

        Assert.Same(first, builder.ToImmutable());
        builder["a"] = 2;
        Assert.NotSame(first, builder.ToImmutable());
        Assert.Equal(1, first["a"]);
    }

    [Fact]
    public void ReadOnlyDictionaryMembers_AgreeWithTheEntries()
    {
        var builder = new PersistentMapBuilder<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < 1000; i++)
        {
            builder[$"t{i}.example"] = i;
        }

        var map = builder.ToImmutable();

        Assert.Equal(1000, map.Count);
        Assert.Equal(Enumerable.Range(0, 1000), map.Values.Order());
        Assert.Equal(map.Keys.Order(StringComparer.Ordinal), Enumerable.Range(0, 1000).Select(i => $"t{i}.example").Order(StringComparer.Ordinal));
        Assert.Equal(7, map["T7.EXAMPLE"]);
        Assert.True(map.ContainsKey("t999.example"));
        Assert.False(map.ContainsKey("t1000.example"));
        Assert.Throws<KeyNotFoundException>(() => map["t1000.example"]);
    }

    private static void AssertSame(Dictionary<string, int> expected, PersistentMap<string, int> map)
    {
        Assert.Equal(expected.Count, map.Count);
        var seen = new Dictionary<string, int>(expected.Comparer);
        foreach (var (key, value) in map)
        {
            Assert.True(seen.TryAdd(key, value), $"'{key}' enumerated twice");
        }

        Assert.Equal(expected.Count, seen.Count);
        foreach (var (key, value) in expected)
        {
            Assert.True(map.TryGetValue(key, out var got), $"'{key}' missing");
            Assert.Equal(value, got);
            Assert.Equal(value, seen[key]);
        }
    }

    private static IEqualityComparer<string> Comparer(string name) => name switch
    {
        "ordinal-ignore-case" => StringComparer.OrdinalIgnoreCase,
        // Hashes differ only in their lowest bits: every key goes down the same path below the first level.
        "low-bits-only" => new HashedBy(k => StringComparer.OrdinalIgnoreCase.GetHashCode(k) & 0x3F),
        // Only a few distinct full hashes: most keys end in collision nodes, beside ordinary entries.
        "few-hashes" => new HashedBy(k => unchecked((int)0x9E3779B9 * (StringComparer.OrdinalIgnoreCase.GetHashCode(k) & 7))),
        "one-hash" => new HashedBy(_ => 42),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private sealed class HashedBy(Func<string, int> hash) : IEqualityComparer<string>
    {
        public bool Equals(string? x, string? y) => StringComparer.OrdinalIgnoreCase.Equals(x, y);

        public int GetHashCode(string obj) => hash(obj);
    }
}

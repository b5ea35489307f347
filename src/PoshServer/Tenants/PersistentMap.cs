using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace PoshServer.Tenants;

/// <summary>
/// An immutable hash map whose changes share structure with the map they came from (a CHAMP trie, see
/// <see cref="PersistentMapNode{TKey, TValue}"/>): the served tenants of a snapshot. Compared with
/// <c>ImmutableDictionary</c>, which keeps an AVL tree of hash buckets, a lookup follows at most seven child slots (then scans a collision node),
/// a walk reads entries stored side by side, and loading 100,000 tenants through a builder allocates a few tens of
/// thousands of small nodes instead of copying a path of the tree per insert (issue 9: the map took most of a
/// restart's catalog time). Changes go through <see cref="PersistentMapBuilder{TKey, TValue}"/>.
/// </summary>
internal sealed class PersistentMap<TKey, TValue> : IReadOnlyDictionary<TKey, TValue>
    where TKey : notnull
{
    internal PersistentMap(PersistentMapNode<TKey, TValue> root, int count, IEqualityComparer<TKey> comparer)
    {
        Root = root;
        Count = count;
        Comparer = comparer;
    }

    public static PersistentMap<TKey, TValue> Empty(IEqualityComparer<TKey> comparer) => new(PersistentMapNode<TKey, TValue>.Empty, 0, comparer);

    public int Count { get; }

    public IEqualityComparer<TKey> Comparer { get; }

    internal PersistentMapNode<TKey, TValue> Root { get; }

    public TValue this[TKey key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"'{key}' is not in the map");

    public IEnumerable<TKey> Keys => this.Select(pair => pair.Key);

    public IEnumerable<TValue> Values => this.Select(pair => pair.Value);

    public bool ContainsKey(TKey key) => TryGetValue(key, out _);

    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value) => Root.TryGetValue(key, Comparer.GetHashCode(key), Comparer, out value);

    /// <summary>A builder starting from this map; the map itself never changes.</summary>
    public PersistentMapBuilder<TKey, TValue> ToBuilder() => new(this);

    public PersistentMapEnumerator<TKey, TValue> GetEnumerator() => new(Root);

    IEnumerator<KeyValuePair<TKey, TValue>> IEnumerable<KeyValuePair<TKey, TValue>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

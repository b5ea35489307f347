using System.Diagnostics.CodeAnalysis;

namespace PoshServer.Tenants;

/// <summary>
/// Changes a <see cref="PersistentMap{TKey, TValue}"/>: nodes this builder created since it last handed out a map are
/// changed in place; every other node is copied on its first change. <see cref="ToImmutable"/> is O(1). Not thread-safe.
/// </summary>
internal sealed class PersistentMapBuilder<TKey, TValue>
    where TKey : notnull
{
    private readonly IEqualityComparer<TKey> _comparer;
    private PersistentMapNode<TKey, TValue> _root;
    // The token on the nodes this builder may change; replaced when a map is handed out, which freezes them.
    private object _owner = new();
    private PersistentMap<TKey, TValue>? _handedOut;

    public PersistentMapBuilder(IEqualityComparer<TKey> comparer)
        : this(PersistentMap<TKey, TValue>.Empty(comparer))
    {
    }

    internal PersistentMapBuilder(PersistentMap<TKey, TValue> map)
    {
        _comparer = map.Comparer;
        _root = map.Root;
        Count = map.Count;
        _handedOut = map;
    }

    public int Count { get; private set; }

    public TValue this[TKey key]
    {
        set
        {
            var added = false;
            Changed(_root.Set(key, value, _comparer.GetHashCode(key), 0, _owner, _comparer, ref added));
            if (added)
            {
                Count++;
            }
        }
    }

    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value) => _root.TryGetValue(key, _comparer.GetHashCode(key), _comparer, out value);

    public bool ContainsKey(TKey key) => TryGetValue(key, out _);

    public bool Remove(TKey key)
    {
        var removed = false;
        var root = _root.Remove(key, _comparer.GetHashCode(key), 0, _owner, _comparer, ref removed);
        if (removed)
        {
            Changed(root);
            Count--;
        }

        return removed;
    }

    /// <summary>The map as it stands; the same instance until the next change.</summary>
    public PersistentMap<TKey, TValue> ToImmutable()
    {
        if (_handedOut is null)
        {
            _handedOut = new PersistentMap<TKey, TValue>(_root, Count, _comparer);
            _owner = new object();
        }

        return _handedOut;
    }

    private void Changed(PersistentMapNode<TKey, TValue> root)
    {
        _root = root;
        _handedOut = null;
    }
}

using System.Numerics;

namespace PoshServer.Tenants;

/// <summary>
/// One node of a <see cref="PersistentMap{TKey, TValue}"/>: a compressed hash-array-mapped trie in the CHAMP layout
/// (Steindorfer and Vinju, "Optimizing Hash-Array Mapped Tries for Fast and Lean Immutable JVM Collections", OOPSLA
/// 2015). Each level takes five bits of the hash; a slot holds either an entry (<see cref="_dataMap"/>) or a child node
/// (<see cref="_nodeMap"/>), and a removal folds a child left with one entry back into its parent, so the shape depends
/// only on the keys. Below the last five bits, keys with equal hashes share a flat collision node.
/// <para>
/// A node belongs to the builder that created it until that builder hands out a map (<see cref="_owner"/>): the builder
/// changes its own nodes in place, so a bulk load allocates about one node per few entries instead of copying a path
/// per insert, and a map once handed out is never changed. A node owns its three arrays; nodes never share one.
/// </para>
/// </summary>
internal sealed class PersistentMapNode<TKey, TValue>
    where TKey : notnull
{
    private const int BitsPerLevel = 5;
    private const int HashBits = 32;

    public static PersistentMapNode<TKey, TValue> Empty { get; } = new(null, 0, 0, [], [], []);

    private readonly object? _owner;
    private uint _dataMap;
    private uint _nodeMap;
    private TKey[] _keys;
    private TValue[] _values;
    private PersistentMapNode<TKey, TValue>[] _children;

    private PersistentMapNode(object? owner, uint dataMap, uint nodeMap, TKey[] keys, TValue[] values, PersistentMapNode<TKey, TValue>[] children)
    {
        _owner = owner;
        _dataMap = dataMap;
        _nodeMap = nodeMap;
        _keys = keys;
        _values = values;
        _children = children;
    }

    public int EntryCount => _keys.Length;

    public int ChildCount => _children.Length;

    public TKey KeyAt(int index) => _keys[index];

    public TValue ValueAt(int index) => _values[index];

    public PersistentMapNode<TKey, TValue> ChildAt(int index) => _children[index];

    /// <summary>A node with one entry and no children: its parent holds the entry itself.</summary>
    private bool IsSingleEntry => _nodeMap == 0 && _keys.Length == 1;

    public bool TryGetValue(TKey key, int hash, IEqualityComparer<TKey> comparer, out TValue value)
    {
        var node = this;
        for (var shift = 0; shift < HashBits; shift += BitsPerLevel)
        {
            var bit = Bit(hash, shift);
            if ((node._dataMap & bit) != 0)
            {
                var i = Index(node._dataMap, bit);
                if (comparer.Equals(node._keys[i], key))
                {
                    value = node._values[i];
                    return true;
                }

                break;
            }

            if ((node._nodeMap & bit) == 0)
            {
                break;
            }

            node = node._children[Index(node._nodeMap, bit)];
            if (shift + BitsPerLevel >= HashBits)
            {
                return node.TryGetInCollision(key, comparer, out value);
            }
        }

        value = default!;
        return false;
    }

    /// <summary>The node with <paramref name="key"/> set to <paramref name="value"/>: this one changed in place when <paramref name="owner"/> owns it, else a copy.</summary>
    public PersistentMapNode<TKey, TValue> Set(TKey key, TValue value, int hash, int shift, object owner, IEqualityComparer<TKey> comparer, ref bool added)
    {
        if (shift >= HashBits)
        {
            return SetInCollision(key, value, owner, comparer, ref added);
        }

        var bit = Bit(hash, shift);
        if ((_dataMap & bit) != 0)
        {
            var i = Index(_dataMap, bit);
            var present = _keys[i];
            if (comparer.Equals(present, key))
            {
                var target = Writable(owner);
                target._values[i] = value;
                return target;
            }

            // Two keys in one slot: both move one level down.
            added = true;
            var child = Pair(present, _values[i], comparer.GetHashCode(present), key, value, hash, shift + BitsPerLevel, owner);
            return With(owner, _dataMap & ~bit, _nodeMap | bit, RemoveAt(_keys, i), RemoveAt(_values, i), Insert(_children, Index(_nodeMap, bit), child));
        }

        if ((_nodeMap & bit) != 0)
        {
            var j = Index(_nodeMap, bit);
            var child = _children[j];
            var changed = child.Set(key, value, hash, shift + BitsPerLevel, owner, comparer, ref added);
            if (ReferenceEquals(changed, child))
            {
                return this;
            }

            var target = Writable(owner);
            target._children[j] = changed;
            return target;
        }

        added = true;
        var at = Index(_dataMap, bit);
        return With(owner, _dataMap | bit, _nodeMap, Insert(_keys, at, key), Insert(_values, at, value), _children);
    }

    /// <summary>The node without <paramref name="key"/>; this one when the key is absent.</summary>
    public PersistentMapNode<TKey, TValue> Remove(TKey key, int hash, int shift, object owner, IEqualityComparer<TKey> comparer, ref bool removed)
    {
        if (shift >= HashBits)
        {
            var k = IndexInCollision(key, comparer);
            if (k < 0)
            {
                return this;
            }

            removed = true;
            return With(owner, 0, 0, RemoveAt(_keys, k), RemoveAt(_values, k), _children);
        }

        var bit = Bit(hash, shift);
        if ((_dataMap & bit) != 0)
        {
            var i = Index(_dataMap, bit);
            if (!comparer.Equals(_keys[i], key))
            {
                return this;
            }

            removed = true;
            return With(owner, _dataMap & ~bit, _nodeMap, RemoveAt(_keys, i), RemoveAt(_values, i), _children);
        }

        if ((_nodeMap & bit) == 0)
        {
            return this;
        }

        var j = Index(_nodeMap, bit);
        var child = _children[j];
        var changed = child.Remove(key, hash, shift + BitsPerLevel, owner, comparer, ref removed);
        if (!removed)
        {
            return this;
        }

        if (changed.IsSingleEntry)
        {
            // Canonical form: a child left with one entry is folded into this node.
            var at = Index(_dataMap, bit);
            return With(owner, _dataMap | bit, _nodeMap & ~bit, Insert(_keys, at, changed._keys[0]), Insert(_values, at, changed._values[0]), RemoveAt(_children, j));
        }

        if (ReferenceEquals(changed, child))
        {
            return this;
        }

        var target = Writable(owner);
        target._children[j] = changed;
        return target;
    }

    private bool TryGetInCollision(TKey key, IEqualityComparer<TKey> comparer, out TValue value)
    {
        var i = IndexInCollision(key, comparer);
        value = i >= 0 ? _values[i] : default!;
        return i >= 0;
    }

    /// <summary>Where <paramref name="key"/> is in this collision node, or −1.</summary>
    private int IndexInCollision(TKey key, IEqualityComparer<TKey> comparer)
    {
        for (var i = 0; i < _keys.Length; i++)
        {
            if (comparer.Equals(_keys[i], key))
            {
                return i;
            }
        }

        return -1;
    }

    private PersistentMapNode<TKey, TValue> SetInCollision(TKey key, TValue value, object owner, IEqualityComparer<TKey> comparer, ref bool added)
    {
        var i = IndexInCollision(key, comparer);
        if (i >= 0)
        {
            var target = Writable(owner);
            target._values[i] = value;
            return target;
        }

        added = true;
        return With(owner, 0, 0, Insert(_keys, _keys.Length, key), Insert(_values, _values.Length, value), _children);
    }

    /// <summary>The node for two keys that share every hash bit above <paramref name="shift"/>.</summary>
    private static PersistentMapNode<TKey, TValue> Pair(TKey key1, TValue value1, int hash1, TKey key2, TValue value2, int hash2, int shift, object owner)
    {
        if (shift >= HashBits)
        {
            return new PersistentMapNode<TKey, TValue>(owner, 0, 0, [key1, key2], [value1, value2], []);
        }

        var bit1 = Bit(hash1, shift);
        var bit2 = Bit(hash2, shift);
        if (bit1 == bit2)
        {
            return new PersistentMapNode<TKey, TValue>(owner, 0, bit1, [], [], [Pair(key1, value1, hash1, key2, value2, hash2, shift + BitsPerLevel, owner)]);
        }

        return bit1 < bit2
            ? new PersistentMapNode<TKey, TValue>(owner, bit1 | bit2, 0, [key1, key2], [value1, value2], [])
            : new PersistentMapNode<TKey, TValue>(owner, bit1 | bit2, 0, [key2, key1], [value2, value1], []);
    }

    /// <summary>This node when the builder owns it, else a copy the builder owns (with arrays of its own).</summary>
    private PersistentMapNode<TKey, TValue> Writable(object owner) => With(owner, _dataMap, _nodeMap, _keys, _values, _children);

    /// <summary>This node given new maps and arrays when the builder owns it, else a new node. Arrays the caller did not replace are copied for a new node.</summary>
    private PersistentMapNode<TKey, TValue> With(object owner, uint dataMap, uint nodeMap, TKey[] keys, TValue[] values, PersistentMapNode<TKey, TValue>[] children)
    {
        if (ReferenceEquals(_owner, owner))
        {
            _dataMap = dataMap;
            _nodeMap = nodeMap;
            _keys = keys;
            _values = values;
            _children = children;
            return this;
        }

        return new PersistentMapNode<TKey, TValue>(
            owner,
            dataMap,
            nodeMap,
            ReferenceEquals(keys, _keys) ? [.. keys] : keys,
            ReferenceEquals(values, _values) ? [.. values] : values,
            ReferenceEquals(children, _children) ? [.. children] : children);
    }

    private static uint Bit(int hash, int shift) => 1u << (int)(((uint)hash >> shift) & 31);

    private static int Index(uint map, uint bit) => BitOperations.PopCount(map & (bit - 1));

    private static T[] Insert<T>(T[] array, int index, T item)
    {
        var result = new T[array.Length + 1];
        Array.Copy(array, result, index);
        result[index] = item;
        Array.Copy(array, index, result, index + 1, array.Length - index);
        return result;
    }

    private static T[] RemoveAt<T>(T[] array, int index)
    {
        if (array.Length == 1)
        {
            return [];
        }

        var result = new T[array.Length - 1];
        Array.Copy(array, result, index);
        Array.Copy(array, index + 1, result, index, array.Length - index - 1);
        return result;
    }
}

using System.Collections;

namespace PoshServer.Tenants;

/// <summary>
/// Walks a <see cref="PersistentMap{TKey, TValue}"/> depth first: each node's entries, then its children. The trie is
/// at most eight nodes deep (seven levels of five hash bits, then a collision node), so the path fits a fixed stack.
/// </summary>
internal struct PersistentMapEnumerator<TKey, TValue> : IEnumerator<KeyValuePair<TKey, TValue>>
    where TKey : notnull
{
    private const int MaxDepth = 8;

    private readonly PersistentMapNode<TKey, TValue>[] _nodes;
    // Per level: the next entry to return, then (past the entries) the next child to enter.
    private readonly int[] _next;
    private int _depth;

    internal PersistentMapEnumerator(PersistentMapNode<TKey, TValue> root)
    {
        _nodes = new PersistentMapNode<TKey, TValue>[MaxDepth];
        _next = new int[MaxDepth];
        _nodes[0] = root;
        _depth = 0;
        Current = default;
    }

    public KeyValuePair<TKey, TValue> Current { get; private set; }

    readonly object IEnumerator.Current => Current;

    public bool MoveNext()
    {
        while (_depth >= 0)
        {
            var node = _nodes[_depth];
            var next = _next[_depth]++;
            if (next < node.EntryCount)
            {
                Current = new KeyValuePair<TKey, TValue>(node.KeyAt(next), node.ValueAt(next));
                return true;
            }

            var child = next - node.EntryCount;
            if (child < node.ChildCount)
            {
                _depth++;
                _nodes[_depth] = node.ChildAt(child);
                _next[_depth] = 0;
            }
            else
            {
                _depth--;
            }
        }

        return false;
    }

    public void Reset() => throw new NotSupportedException();

    public readonly void Dispose()
    {
    }
}

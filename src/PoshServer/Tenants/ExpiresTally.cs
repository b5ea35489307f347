namespace PoshServer.Tenants;

/// <summary>
/// The longest fingerprints-document <c>expires</c> among the served tenants of each certificate set, counted as
/// tenants come and go. Rotation needs it on every evaluation, and it evaluates after every reload: read from here it
/// costs the number of sets, where a pass over every tenant for each set cost 150–300 ms of one core at 100,000
/// tenants and delayed the requests served meanwhile (issue 9). Not thread-safe: owned by <see cref="TenantCatalog"/>.
/// </summary>
internal sealed class ExpiresTally
{
    private readonly Dictionary<string, SetTally> _sets = new(StringComparer.Ordinal);

    public void Add(Tenant tenant)
    {
        if (!_sets.TryGetValue(tenant.CertificateSet, out var set))
        {
            set = new SetTally();
            _sets[tenant.CertificateSet] = set;
        }

        set.Add(tenant.Expires);
    }

    public void Remove(Tenant tenant)
    {
        if (_sets.TryGetValue(tenant.CertificateSet, out var set) && set.Remove(tenant.Expires))
        {
            _sets.Remove(tenant.CertificateSet);
        }
    }

    /// <summary>Set name → the longest <c>expires</c> of its tenants; a set no tenant uses is absent.</summary>
    public Dictionary<string, long> Longest() => _sets.ToDictionary(pair => pair.Key, pair => pair.Value.Longest, StringComparer.Ordinal);

    /// <summary>How many tenants of one set have each value; the distinct values sorted, so the longest is O(log n).</summary>
    private sealed class SetTally
    {
        private readonly Dictionary<long, int> _counts = [];
        private readonly SortedSet<long> _values = [];

        public long Longest => _values.Max;

        public void Add(long expires)
        {
            _counts[expires] = _counts.GetValueOrDefault(expires) + 1;
            _values.Add(expires);
        }

        /// <summary>Takes one tenant's value away; true when the set has no tenant left.</summary>
        public bool Remove(long expires)
        {
            if (_counts.TryGetValue(expires, out var count))
            {
                if (count > 1)
                {
                    _counts[expires] = count - 1;
                }
                else
                {
                    _counts.Remove(expires);
                    _values.Remove(expires);
                }
            }

            return _counts.Count == 0;
        }
    }
}

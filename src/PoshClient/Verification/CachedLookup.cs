using PoshClient.Documents;

namespace PoshClient.Verification;

/// <summary>A lookup result together with the cache slot it came from, so a refresh replaces exactly that slot.</summary>
internal sealed record CachedLookup(PoshMaterialCache.Entry Entry, PoshLookupResult Result);

namespace PoshServer.Tenants;

/// <summary>Phases of one load of the tenants directory: listing, reading and parsing, ordering, resolving, in all.</summary>
internal sealed record CatalogLoadTimings(TimeSpan Enumerate, TimeSpan Parse, TimeSpan Order, TimeSpan Resolve, TimeSpan Total);

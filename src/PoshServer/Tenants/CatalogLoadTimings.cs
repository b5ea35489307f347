namespace PoshServer.Tenants;

/// <summary>
/// Phases of one load of the tenants directory: listing, reading and parsing, ordering, resolving, in all; and of
/// that, the time a reload slept to leave a contended CPU to the requests (<see cref="ReloadPacer"/>).
/// </summary>
internal sealed record CatalogLoadTimings(TimeSpan Enumerate, TimeSpan Parse, TimeSpan Order, TimeSpan Resolve, TimeSpan Total, TimeSpan Yielded = default);

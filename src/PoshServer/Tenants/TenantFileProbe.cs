namespace PoshServer.Tenants;

/// <summary>The outcome of looking at one tenant file the watcher named.</summary>
internal readonly record struct TenantFileProbe(TenantFileProbeState State, TenantFileStamp? Stamp, string? Error);

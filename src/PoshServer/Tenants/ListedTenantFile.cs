namespace PoshServer.Tenants;

/// <summary>
/// A tenant file as the directory listing saw it. Symbolic links (ConfigMap volumes, deploy tools) carry no stamp:
/// the listing sees the link, not its target, so they are examined on their own. <see cref="Remembered"/> is what the
/// reader remembered of the file when it was listed, found in the same lookup that gave the name.
/// </summary>
internal readonly record struct ListedTenantFile(string Name, TenantFileStamp? Stamp, RememberedTenantFile? Remembered = null);

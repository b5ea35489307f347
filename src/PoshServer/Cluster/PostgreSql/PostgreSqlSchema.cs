namespace PoshServer.Cluster.PostgreSql;

/// <summary>
/// The tables, created at first use by whichever replica comes first; a transaction-scoped advisory lock serialises
/// concurrent creators (CREATE ... IF NOT EXISTS alone races on the catalog).
/// </summary>
internal static class PostgreSqlSchema
{
    public const string Channel = "posh_cluster";

    public const string Create = """
        SELECT pg_advisory_xact_lock(7711712);
        CREATE TABLE IF NOT EXISTS posh_items (
            key text COLLATE "C" PRIMARY KEY,
            value bytea NOT NULL,
            key_id text NULL,
            version bigint NOT NULL,
            updated_at timestamptz NOT NULL,
            updated_by text NOT NULL);
        CREATE SEQUENCE IF NOT EXISTS posh_versions;
        CREATE TABLE IF NOT EXISTS posh_locks (
            name text PRIMARY KEY,
            owner text NOT NULL,
            token bigint NOT NULL,
            expires_at timestamptz NOT NULL);
        CREATE SEQUENCE IF NOT EXISTS posh_lock_tokens;
        CREATE TABLE IF NOT EXISTS posh_replicas (
            name text PRIMARY KEY,
            heartbeat bytea NOT NULL,
            last_seen timestamptz NOT NULL);
        """;

    public const string Upsert = """
        INSERT INTO posh_items (key, value, key_id, version, updated_at, updated_by)
        VALUES ($1, $2, $3, nextval('posh_versions'), now(), $4)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, key_id = excluded.key_id, version = excluded.version,
            updated_at = excluded.updated_at, updated_by = excluded.updated_by
        """;

    public const string Insert = """
        INSERT INTO posh_items (key, value, key_id, version, updated_at, updated_by)
        VALUES ($1, $2, $3, nextval('posh_versions'), now(), $4)
        ON CONFLICT (key) DO NOTHING
        """;

    public const string Select = "SELECT key, value, key_id, version, updated_at FROM posh_items WHERE key = $1";

    public const string List = """
        SELECT key, value, key_id, version, updated_at FROM posh_items
        WHERE starts_with(key, $1) AND ($2::text IS NULL OR right(key, length($2::text)) = $2::text)
        ORDER BY key
        """;

    public const string Delete = "DELETE FROM posh_items WHERE key = $1";

    public const string Notify = "SELECT pg_notify('posh_cluster', $1)";

    // A lock is a lease: taken when free or expired (the store's clock decides), with a new fencing token each time.
    public const string Acquire = """
        INSERT INTO posh_locks (name, owner, token, expires_at)
        VALUES ($1, $2, nextval('posh_lock_tokens'), now() + $3::interval)
        ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, token = excluded.token, expires_at = excluded.expires_at
            WHERE posh_locks.expires_at < now()
        RETURNING token
        """;

    public const string Renew = "UPDATE posh_locks SET expires_at = now() + $3::interval WHERE name = $1 AND token = $2";

    public const string Release = "DELETE FROM posh_locks WHERE name = $1 AND token = $2";

    // FOR SHARE: a takeover (an UPDATE of the row) waits until the fenced write commits.
    public const string Fence = "SELECT 1 FROM posh_locks WHERE name = $1 AND token = $2 AND expires_at > now() FOR SHARE";

    public const string Heartbeat = """
        INSERT INTO posh_replicas (name, heartbeat, last_seen) VALUES ($1, $2, now())
        ON CONFLICT (name) DO UPDATE SET heartbeat = excluded.heartbeat, last_seen = excluded.last_seen
        """;

    public const string Replicas = "SELECT heartbeat, last_seen FROM posh_replicas ORDER BY name";

    public const string Stale = "SELECT key, value, key_id, version FROM posh_items WHERE key_id IS NOT NULL AND key_id <> $1";

    public const string Reencrypt = "UPDATE posh_items SET value = $2, key_id = $3 WHERE key = $1 AND version = $4";
}

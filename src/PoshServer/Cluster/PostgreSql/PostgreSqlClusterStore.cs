using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Npgsql;

namespace PoshServer.Cluster.PostgreSql;

/// <summary>
/// The cluster store in PostgreSQL: items in <c>posh_items</c> (secrets AES-GCM encrypted, with their key id),
/// leases in <c>posh_locks</c>, heartbeats in <c>posh_replicas</c>, and a NOTIFY on <c>posh_cluster</c> for every
/// write so other replicas pick changes up at once (<see cref="PostgreSqlChangeListener"/>).
/// </summary>
/// <remarks>
/// Leases rather than session-level advisory locks: an advisory lock lives on one server connection, so it needs a
/// connection held open per lock and breaks behind PgBouncer in transaction mode (the lock stays with a pooled
/// connection another client then uses). A lease row works through any pooler, expires by the database's clock
/// when its holder dies or is cut off, and its token fences late writes. The cost: a killed holder's lock frees
/// after <see cref="ClusterOptions.LockTtl"/>, not at once.
/// </remarks>
internal sealed class PostgreSqlClusterStore : IClusterStore, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly ClusterSecretProtector _protector;
    private readonly ClusterOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<PostgreSqlClusterStore> _logger;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private readonly string _ttl;
    private CancellationTokenSource _changed = new();
    private volatile bool _schemaReady;
    private string? _lastError;

    public PostgreSqlClusterStore(IOptions<ClusterOptions> options, TimeProvider timeProvider, ILogger<PostgreSqlClusterStore> logger)
    {
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        var builder = new NpgsqlConnectionStringBuilder(_options.ConnectionString) { ApplicationName = "PoshServer " + _options.ReplicaName };
        _dataSource = NpgsqlDataSource.Create(builder);
        _protector = new ClusterSecretProtector(_options.EncryptionKey!, _options.PreviousEncryptionKeys);
        _ttl = string.Create(CultureInfo.InvariantCulture, $"{_options.LockTtl.TotalMilliseconds:0} milliseconds");
    }

    public string ReplicaName => _options.ReplicaName;

    public bool IsShared => true;

    public string? LastError => Volatile.Read(ref _lastError);

    internal NpgsqlDataSource DataSource => _dataSource;

    public Task<ClusterItem?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand(PostgreSqlSchema.Select, connection) { Parameters = { new() { Value = key } } };
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? ReadItem(reader) : null;
        }, cancellationToken);

    public Task<IReadOnlyList<ClusterItem>> ListAsync(string prefix, string? suffix = null, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<ClusterItem>>(async connection =>
        {
            await using var command = new NpgsqlCommand(PostgreSqlSchema.List, connection)
            {
                Parameters = { new() { Value = prefix }, new() { Value = (object?)suffix ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text } },
            };
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var items = new List<ClusterItem>();
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(ReadItem(reader));
            }

            return items;
        }, cancellationToken);

    public Task PutAsync(IReadOnlyList<ClusterWrite> writes, IClusterLock? fence = null, CancellationToken cancellationToken = default) =>
        RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            if (fence is not null)
            {
                await using var check = new NpgsqlCommand(PostgreSqlSchema.Fence, connection, transaction) { Parameters = { new() { Value = fence.Name }, new() { Value = fence.Token } } };
                if (await check.ExecuteScalarAsync(cancellationToken) is null)
                {
                    throw new ClusterLockLostException(fence.Name);
                }
            }

            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var write in writes)
            {
                ClusterKeys.Validate(write.Key);
                if (write.Value is null)
                {
                    batch.BatchCommands.Add(new NpgsqlBatchCommand(PostgreSqlSchema.Delete) { Parameters = { new() { Value = write.Key } } });
                }
                else
                {
                    batch.BatchCommands.Add(WriteCommand(PostgreSqlSchema.Upsert, write));
                }

                batch.BatchCommands.Add(new NpgsqlBatchCommand(PostgreSqlSchema.Notify) { Parameters = { new() { Value = ReplicaName + "|" + write.Key } } });
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }, cancellationToken);

    public Task<ClusterItem> AddOrGetAsync(ClusterWrite write, CancellationToken cancellationToken = default) =>
        RunAsync(async connection =>
        {
            ClusterKeys.Validate(write.Key);
            await using (var batch = new NpgsqlBatch(connection))
            {
                batch.BatchCommands.Add(WriteCommand(PostgreSqlSchema.Insert, write));
                await batch.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var command = new NpgsqlCommand(PostgreSqlSchema.Select, connection) { Parameters = { new() { Value = write.Key } } };
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? ReadItem(reader) : throw new ClusterStoreException($"'{write.Key}' vanished right after it was written.");
        }, cancellationToken);

    public Task<IClusterLock?> TryLockAsync(string name, CancellationToken cancellationToken = default) =>
        RunAsync<IClusterLock?>(async connection =>
        {
            await using var command = new NpgsqlCommand(PostgreSqlSchema.Acquire, connection)
            {
                Parameters = { new() { Value = name }, new() { Value = ReplicaName }, new() { Value = _ttl } },
            };
            return await command.ExecuteScalarAsync(cancellationToken) is long token
                ? new PostgreSqlLease(this, name, token, _options.LockTtl, _timeProvider)
                : null;
        }, cancellationToken);

    public Task PublishHeartbeatAsync(ReplicaHeartbeat heartbeat, CancellationToken cancellationToken = default) =>
        RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand(PostgreSqlSchema.Heartbeat, connection)
            {
                Parameters = { new() { Value = heartbeat.Name }, new() { Value = JsonSerializer.SerializeToUtf8Bytes(heartbeat, ClusterJsonContext.Default.ReplicaHeartbeat) } },
            };
            await command.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }, cancellationToken);

    public Task<IReadOnlyList<ReplicaHeartbeat>> ListReplicasAsync(CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<ReplicaHeartbeat>>(async connection =>
        {
            await using var command = new NpgsqlCommand(PostgreSqlSchema.Replicas, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var replicas = new List<ReplicaHeartbeat>();
            while (await reader.ReadAsync(cancellationToken))
            {
                if (JsonSerializer.Deserialize(reader.GetFieldValue<byte[]>(0), ClusterJsonContext.Default.ReplicaHeartbeat) is { } heartbeat)
                {
                    replicas.Add(heartbeat with { LastSeen = reader.GetFieldValue<DateTimeOffset>(1) });
                }
            }

            return replicas;
        }, cancellationToken);

    public IChangeToken GetChangeToken() => new CancellationChangeToken(Volatile.Read(ref _changed).Token);

    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        _schemaGate.Dispose();
        _changed.Dispose();
    }

    /// <summary>Tells every waiter that something may have changed (a notification, a poll, or a reconnect).</summary>
    internal void SignalChanged() => Interlocked.Exchange(ref _changed, new CancellationTokenSource()).Cancel();

    /// <summary>Renews a lease: true when renewed, false when it was lost, null when the store is unreachable.</summary>
    internal async Task<bool?> RenewAsync(PostgreSqlLease lease, TimeSpan ttl, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(async connection =>
            {
                await using var command = new NpgsqlCommand(PostgreSqlSchema.Renew, connection)
                {
                    Parameters = { new() { Value = lease.Name }, new() { Value = lease.Token }, new() { Value = _ttl } },
                };
                return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
            }, cancellationToken);
        }
        catch (ClusterStoreException)
        {
            return null;
        }
    }

    internal async Task ReleaseAsync(PostgreSqlLease lease)
    {
        try
        {
            await RunAsync(async connection =>
            {
                await using var command = new NpgsqlCommand(PostgreSqlSchema.Release, connection) { Parameters = { new() { Value = lease.Name }, new() { Value = lease.Token } } };
                await command.ExecuteNonQueryAsync(CancellationToken.None);
                return true;
            }, CancellationToken.None);
        }
        catch (ClusterStoreException)
        {
            // Unreachable: the lease expires by itself.
        }
    }

    /// <summary>Runs one operation on a pooled connection; every database failure becomes a <see cref="ClusterStoreException"/>.</summary>
    internal async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            await EnsureSchemaAsync(cancellationToken);
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            var result = await operation(connection);
            if (Interlocked.Exchange(ref _lastError, null) is not null)
            {
                _logger.StoreRecovered();
            }

            return result;
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or IOException or TimeoutException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Connections to a restarted server are broken: drop them all rather than failing once per pooled connection.
            _dataSource.Clear();
            if (Interlocked.Exchange(ref _lastError, ex.Message) is null)
            {
                _logger.StoreUnavailable(ex.Message);
            }

            throw new ClusterStoreException($"The cluster store is unreachable: {ex.Message}", ex);
        }
    }

    private async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_schemaReady)
        {
            return;
        }

        await _schemaGate.WaitAsync(cancellationToken);
        try
        {
            if (_schemaReady)
            {
                return;
            }

            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
            {
                await using var create = new NpgsqlCommand(PostgreSqlSchema.Create, connection, transaction);
                await create.ExecuteNonQueryAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            await ReencryptAsync(connection, cancellationToken);
            _schemaReady = true;
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    /// <summary>Key rotation: items still encrypted with a previous key are rewritten with the current one (if unchanged meanwhile).</summary>
    private async Task ReencryptAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var stale = new List<(string Key, byte[] Plain, long Version)>();
        await using (var select = new NpgsqlCommand(PostgreSqlSchema.Stale, connection) { Parameters = { new() { Value = _protector.CurrentKeyId } } })
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = reader.GetString(0);
                stale.Add((key, _protector.Decrypt(key, reader.GetString(2), reader.GetFieldValue<byte[]>(1)), reader.GetInt64(3)));
            }
        }

        foreach (var (key, plain, version) in stale)
        {
            await using var update = new NpgsqlCommand(PostgreSqlSchema.Reencrypt, connection)
            {
                Parameters = { new() { Value = key }, new() { Value = _protector.Encrypt(key, plain) }, new() { Value = _protector.CurrentKeyId }, new() { Value = version } },
            };
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        if (stale.Count > 0)
        {
            _logger.SecretsReencrypted(stale.Count, _protector.CurrentKeyId);
        }
    }

    private NpgsqlBatchCommand WriteCommand(string sql, ClusterWrite write)
    {
        var value = write.Secret ? _protector.Encrypt(write.Key, write.Value) : write.Value!;
        return new NpgsqlBatchCommand(sql)
        {
            Parameters =
            {
                new() { Value = write.Key },
                new() { Value = value },
                new() { Value = write.Secret ? _protector.CurrentKeyId : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
                new() { Value = ReplicaName },
            },
        };
    }

    private ClusterItem ReadItem(NpgsqlDataReader reader)
    {
        var key = reader.GetString(0);
        var value = reader.GetFieldValue<byte[]>(1);
        if (!reader.IsDBNull(2))
        {
            value = _protector.Decrypt(key, reader.GetString(2), value);
        }

        return new ClusterItem { Key = key, Value = value, Version = reader.GetInt64(3), UpdatedAt = reader.GetFieldValue<DateTimeOffset>(4) };
    }
}

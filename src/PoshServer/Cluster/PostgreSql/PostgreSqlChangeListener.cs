using Microsoft.Extensions.Options;
using Npgsql;

namespace PoshServer.Cluster.PostgreSql;

/// <summary>
/// LISTEN on <c>posh_cluster</c>: another replica's write wakes this one's waiters at once. Every
/// <see cref="ClusterOptions.PollInterval"/> without a notification, and after every reconnect, it wakes them anyway,
/// so a pooler that drops notifications (PgBouncer in transaction mode) or an outage costs at most one interval.
/// </summary>
internal sealed class PostgreSqlChangeListener(PostgreSqlClusterStore store, IOptions<ClusterOptions> options, TimeProvider timeProvider, ILogger<PostgreSqlChangeListener> logger)
{
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.PollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await store.RunAsync(async connection =>
                {
                    connection.Notification += OnNotification;
                    await using (var listen = new NpgsqlCommand("LISTEN " + PostgreSqlSchema.Channel, connection))
                    {
                        await listen.ExecuteNonQueryAsync(stoppingToken);
                    }

                    logger.Listening();

                    // Whatever changed while this replica was not listening.
                    store.SignalChanged();
                    while (!stoppingToken.IsCancellationRequested)
                    {
                        if (!await connection.WaitAsync(interval, stoppingToken))
                        {
                            store.SignalChanged();
                        }
                    }

                    return true;
                }, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // ClusterStoreException is logged by the store; anything else would end this loop, and with it the
                // replica's view of the others' writes (issue 14: no background path stops the server). Either way:
                // wake the waiters (they poll the store themselves) and try again after one interval.
                if (ex is not ClusterStoreException)
                {
                    logger.ListenFailed(interval, ex);
                }

                store.SignalChanged();
                try
                {
                    await Task.Delay(interval, timeProvider, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        // Our own writes are already in our memory.
        if (!e.Payload.StartsWith(store.ReplicaName + "|", StringComparison.Ordinal))
        {
            store.SignalChanged();
        }
    }
}

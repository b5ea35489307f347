namespace PoshServer.Tests.Cluster;

/// <summary>Bounded polling of an asynchronous condition: fails with a description and diagnostics, never hangs.</summary>
internal static class ClusterWait
{
    public static async Task UntilAsync(Func<Task<bool>> condition, string description, TimeSpan timeout, Func<string>? diagnostics = null)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or PoshServer.Cluster.ClusterStoreException && !deadline.IsCancellationRequested)
            {
                // Not there yet.
            }

            try
            {
                await Task.Delay(500, deadline.Token);
            }
            catch (OperationCanceledException ex)
            {
                throw new TimeoutException($"Timed out waiting until {description}.\n{diagnostics?.Invoke()}", ex);
            }
        }
    }
}

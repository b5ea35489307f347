namespace PoshServer.Tests.Acme;

/// <summary>Bounded polling for conditions reached by background work: fails with a description, never hangs.</summary>
internal static class AcmeWait
{
    public static async Task UntilAsync(Func<bool> condition, string description, TimeSpan? timeout = null, Func<string>? diagnostics = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        while (!condition())
        {
            try
            {
                await Task.Delay(100, deadline.Token);
            }
            catch (OperationCanceledException ex)
            {
                throw new TimeoutException($"Timed out waiting until {description}.\n{diagnostics?.Invoke()}", ex);
            }
        }
    }
}

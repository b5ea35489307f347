namespace PoshClient.Dns;

/// <summary>
/// What one exchange with one server produced: a response that answers our question (possibly only its header, when it
/// was truncated), or the reason it is unusable.
/// </summary>
internal sealed record DnsExchange
{
    public DnsMessage? Message { get; init; }

    public string? Error { get; init; }

    public static DnsExchange Answered(DnsMessage message) => new() { Message = message };

    public static DnsExchange Failed(string error) => new() { Error = error };
}

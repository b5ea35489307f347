namespace PoshServer.Acme;

/// <summary>The outcome of a pre-flight check: ordering may go ahead, or why not.</summary>
internal sealed record AcmePreflightResult
{
    public static readonly AcmePreflightResult Passed = new() { Succeeded = true };

    public required bool Succeeded { get; init; }

    public string? Reason { get; init; }

    public static AcmePreflightResult Failed(string reason) => new() { Succeeded = false, Reason = reason };
}

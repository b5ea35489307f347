namespace PoshServer.FailureReports;

/// <summary>One domain's reports in the window: how many, and the newest ones.</summary>
internal sealed record FailureReportSummary
{
    public required string Domain { get; init; }

    public required int Count { get; init; }

    public required DateTimeOffset Latest { get; init; }

    public required IReadOnlyList<FailureReport> Recent { get; init; }
}

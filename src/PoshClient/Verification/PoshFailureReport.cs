namespace PoshClient.Verification;

/// <summary>
/// A failed POSH verification as sent to <see cref="PoshClientOptions.FailureReportUrl"/>: the hoster learns that a
/// peer could not authenticate one of its domains (modelled on TLS-RPT, RFC 8460).
/// </summary>
internal sealed record PoshFailureReport(string Domain, string Service, string Outcome, string Reason, string? PresentedSha256, string? Reporter);

namespace PoshServer.TenantChecks;

/// <summary>
/// Logs a tenant's check when its verdict changes, in one short line: the verdict, the first decisive finding (cut to
/// <see cref="MaxFindingLength"/> characters) and how many more there are. The same verdict round after round logs
/// nothing (issue 14: every failing tenant wrote a 1,200-character warning every hour). A tenant first seen passing is
/// the normal state and not worth a line.
/// </summary>
internal sealed class TenantVerdictLog(ILogger logger)
{
    public const int MaxFindingLength = 120;

    /// <summary>True when the verdict changed (and a line was written).</summary>
    public bool Observe(TenantCheckResult? previous, TenantCheckResult current)
    {
        if (previous?.Overall == current.Overall || (previous is null && current.Overall == CheckVerdict.Pass))
        {
            return false;
        }

        if (current.Overall == CheckVerdict.Pass)
        {
            TenantChecksLog.Recovered(logger, current.Domain, previous!.Overall);
            return true;
        }

        // The findings that decide the headline verdict (our own verifier's, which follows the whole RFC).
        var decisive = current.Findings.Where(f => f.Verdict == current.Overall && f.Affects(KnownVerifier.PoshClient)).ToList();
        var first = decisive.FirstOrDefault() ?? current.Findings.MaxBy(f => f.Verdict);
        var text = first is null ? current.Overall.ToString() : first.Message;
        if (text.Length > MaxFindingLength)
        {
            text = string.Concat(text.AsSpan(0, MaxFindingLength - 1), "…");
        }

        TenantChecksLog.VerdictChanged(
            logger,
            current.Domain,
            current.Overall,
            previous?.Overall.ToString() ?? "None",
            first?.Service ?? "-",
            first?.Area ?? CheckArea.Web,
            text,
            Math.Max(0, decisive.Count - 1));
        return true;
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using PoshServer.TenantChecks;

namespace PoshServer.Tests.TenantChecks;

/// <summary>
/// Issue 14, item 4: a tenant's check is logged when its verdict changes, in one short line with structured fields,
/// not every round with every finding in full (1,200 characters per tenant per hour).
/// </summary>
public sealed class TenantVerdictLogTests
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeLogger<TenantCheckService> _logger = new();

    [Fact]
    public void Issue14_SameVerdictEveryRound_IsLoggedOnceOnChange()
    {
        var log = new TenantVerdictLog(_logger);
        var failing = Result(CheckVerdict.Fail, s_now);

        Assert.True(log.Observe(null, failing));
        Assert.False(log.Observe(failing, Result(CheckVerdict.Fail, s_now.AddHours(1))));
        Assert.False(log.Observe(failing, Result(CheckVerdict.Fail, s_now.AddHours(2))));

        var record = Assert.Single(_logger.Collector.GetSnapshot());
        Assert.Equal("TenantCheckVerdictChanged", record.Id.Name);
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Equal("example.com", record.GetStructuredStateValue("Domain"));
        Assert.Equal("Fail", record.GetStructuredStateValue("Verdict"));
        Assert.Equal("None", record.GetStructuredStateValue("Previous"));
        Assert.Equal("xmpp-client", record.GetStructuredStateValue("Service"));
        Assert.Equal("Web", record.GetStructuredStateValue("Area"));
        Assert.Equal("3", record.GetStructuredStateValue("Others"));
        Assert.True(record.Message.Length <= 300, $"{record.Message.Length} characters: {record.Message}");
    }

    [Fact]
    public void Issue14_FailThenPass_LogsTheRecoveryOnce_AndAFirstPassNotAtAll()
    {
        var log = new TenantVerdictLog(_logger);

        Assert.False(log.Observe(null, Result(CheckVerdict.Pass, s_now)));
        Assert.True(log.Observe(Result(CheckVerdict.Pass, s_now), Result(CheckVerdict.Fail, s_now.AddHours(1))));
        Assert.True(log.Observe(Result(CheckVerdict.Fail, s_now.AddHours(1)), Result(CheckVerdict.Pass, s_now.AddHours(2))));

        var names = _logger.Collector.GetSnapshot().Select(r => $"{r.Id.Name}:{r.Level}").ToList();
        Assert.Equal(["TenantCheckVerdictChanged:Warning", "TenantCheckRecovered:Information"], names);
        Assert.Equal("Fail", _logger.LatestRecord.GetStructuredStateValue("Previous"));
    }

    private static TenantCheckResult Result(CheckVerdict verdict, DateTimeOffset at)
    {
        // Long findings, as real ones are: the line must stay short whatever they say.
        List<CheckFinding> findings = verdict == CheckVerdict.Pass
            ? [new CheckFinding { Area = CheckArea.Web, Service = "xmpp-client", Verdict = CheckVerdict.Pass, Message = "https://example.com/.well-known/posh/xmpp-client.json delegates to us" }]
            : Enumerable.Range(0, 4).Select(i => new CheckFinding
            {
                Area = i < 2 ? CheckArea.Web : CheckArea.Live,
                Service = i % 2 == 0 ? "xmpp-client" : "xmpp-server",
                Verdict = CheckVerdict.Fail,
                Message = "https://example.com/.well-known/posh/xmpp-client.json cannot be fetched with a valid certificate: " + new string('x', 400),
                Fix = "Serve https://example.com/ with a CA-valid, unexpired certificate.",
            }).ToList();
        return new TenantCheckResult
        {
            Domain = "example.com",
            CheckedAt = at,
            Overall = verdict,
            Verdicts = [new VerifierVerdict { Verifier = KnownVerifier.PoshClient, Verdict = verdict, Reason = string.Join("; ", findings.Select(f => f.Message)) }],
            Findings = findings,
        };
    }
}

using Microsoft.Extensions.DependencyInjection;
using PoshServer.Status;
using PoshServer.TenantChecks;

namespace PoshServer.Tests.Status;

/// <summary>
/// A real server with 10,000 tenants (ten of them IDNs, some disabled) and a check result for most of them, its admin
/// listener on 127.0.77.1, and Playwright's chromium: shared by the status-page tests at hoster scale.
/// </summary>
public sealed class StatusPageAtScaleWorld : IAsyncLifetime
{
    public const int Regular = 9_990;

    public const int Idn = 10;

    /// <summary>A finding as long as the real ones (about 400 characters), four per failing tenant.</summary>
    public static readonly string LongFinding = "the reference document at https://tenant.example/.well-known/posh/xmpp-server.json answered 404 " + new string('x', 300);

    private readonly TenantWorld _world = new();

    internal PoshServerHost Server { get; private set; } = null!;

    internal PlaywrightChromium Chromium { get; private set; } = null!;

    public Uri AdminUrl { get; private set; } = null!;

    public static string Domain(int i) => i < Regular ? $"tenant-{i:D5}.example" : $"shop{i - Regular}.xn--bcher-kva.example";

    public static string UnicodeDomain(int i) => $"shop{i - Regular}.bücher.example";

    public static bool Disabled(int i) => i < Regular && i % 1000 == 999;

    /// <summary>The check each tenant gets (null: none yet).</summary>
    internal static CheckVerdict? Verdict(int i) =>
        i % 250 == 7 ? CheckVerdict.Fail
        : i % 100 == 3 ? CheckVerdict.Warn
        : i is >= 9_000 and < Regular ? null
        : CheckVerdict.Pass;

    internal static StatusTenantState Expected(int i) =>
        Disabled(i) ? StatusTenantState.Disabled
        : Verdict(i) switch
        {
            CheckVerdict.Fail => StatusTenantState.Fail,
            CheckVerdict.Warn => StatusTenantState.Warn,
            CheckVerdict.Pass => StatusTenantState.Pass,
            _ => StatusTenantState.NotChecked,
        };

    public async Task InitializeAsync()
    {
        for (var i = 0; i < Regular + Idn; i++)
        {
            _world.WriteTenant($"t{i:D5}.yaml", $"domain: {Domain(i)}\n{(Disabled(i) ? "disabled: true\n" : string.Empty)}");
        }

        Server = await PoshServerHost.StartAsync(_world.Path, null, "--Admin:Enabled=true", "--Admin:Address=127.0.77.1", "--Admin:Port=0", $"--Rotation:StatePath={_world.Combine("state/rotation.json")}");
        AdminUrl = Server.Services.GetRequiredService<AdminServer>().Address!;
        var results = Server.Services.GetRequiredService<TenantCheckResults>();
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < Regular + Idn; i++)
        {
            if (Verdict(i) is { } verdict)
            {
                results.Set(Result(Domain(i), verdict, now));
            }
        }

        Chromium = await PlaywrightChromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await Chromium.DisposeAsync();
        await Server.DisposeAsync();
        _world.Dispose();
    }

    private static TenantCheckResult Result(string domain, CheckVerdict verdict, DateTimeOffset at) => new()
    {
        Domain = domain,
        CheckedAt = at,
        Overall = verdict,
        Verdicts = [.. Enum.GetValues<KnownVerifier>().Select(v => new VerifierVerdict { Verifier = v, Verdict = verdict, Reason = verdict == CheckVerdict.Pass ? "ok" : LongFinding, Fix = verdict == CheckVerdict.Pass ? null : "Save the reference file" })],
        Findings = verdict == CheckVerdict.Pass ? [] :
            [.. new[] { CheckArea.Srv, CheckArea.Web, CheckArea.Live, CheckArea.Web }.Select((area, n) => new CheckFinding { Area = area, Service = n % 2 == 0 ? "xmpp-server" : "xmpp-client", Verdict = verdict, Message = LongFinding, Fix = "Save the reference file" })],
    };
}

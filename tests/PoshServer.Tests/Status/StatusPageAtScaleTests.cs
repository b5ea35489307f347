using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PoshServer.Status;
using Xunit.Abstractions;

namespace PoshServer.Tests.Status;

/// <summary>Issue 14: the status page at hoster scale, 10,000 tenants, in headless Chromium driven by Playwright.</summary>
public sealed class StatusPageAtScaleTests(StatusPageAtScaleWorld world, ITestOutputHelper output) : IClassFixture<StatusPageAtScaleWorld>
{
    private const int Tenants = StatusPageAtScaleWorld.Regular + StatusPageAtScaleWorld.Idn;

    [Fact]
    public async Task Issue14_StatusPage_10000Tenants_UnderOneMegabyteWithSummaryCountsAndFailingFirst()
    {
        var page = await world.Chromium.Browser.NewPageAsync();

        var response = await page.GotoAsync(world.AdminUrl.AbsoluteUri);

        Assert.Equal(200, response!.Status);
        Assert.True((await response.BodyAsync()).Length < 1_000_000, $"the page is {(await response.BodyAsync()).Length} bytes");
        Assert.Equal(Tenants, await CountAsync(page, "#summary [data-state=all] [data-count]"));
        var expected = Enumerable.Range(0, Tenants).GroupBy(StatusPageAtScaleWorld.Expected).ToDictionary(g => g.Key, g => g.Count());
        foreach (var state in Enum.GetValues<StatusTenantState>())
        {
            Assert.Equal(expected.GetValueOrDefault(state), await CountAsync(page, $"#summary [data-state={state}] [data-count]"));
        }

        Assert.Equal(1, await CountAsync(page, "#other-counts [data-summary=sets] [data-count]"));
        Assert.Equal(1, await CountAsync(page, "#other-counts [data-phase=Steady] [data-count]"));
        Assert.Equal(0, await CountAsync(page, "#other-counts [data-summary=reports] [data-count]"));

        // Failing first, then warnings: one page of rows, in state order.
        var states = await page.Locator("#tenants tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.state)");
        Assert.Equal(StatusPageQuery.DefaultPageSize, states.Length);
        var failing = expected[StatusTenantState.Fail];
        Assert.All(states.Take(failing), s => Assert.Equal("Fail", s));
        Assert.All(states.Skip(failing), s => Assert.Equal("Warn", s));
        Assert.Equal(0, await page.Locator("script").CountAsync());
        // Findings are in each tenant's view, not on the list.
        Assert.DoesNotContain(StatusPageAtScaleWorld.LongFinding, await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue14_StatusPage_SearchByDomainAndStateFilter_ServerSideWithoutScripts()
    {
        var page = await world.Chromium.Browser.NewPageAsync(new BrowserNewPageOptions { JavaScriptEnabled = false });
        await page.GotoAsync(world.AdminUrl.AbsoluteUri);

        await page.FillAsync("#search input[name=q]", "tenant-0420");
        await page.ClickAsync("#search button[type=submit]");

        var domains = await DomainsAsync(page);
        Assert.Equal(Enumerable.Range(4200, 10).Select(StatusPageAtScaleWorld.Domain).OrderBy(d => StatusPageAtScaleWorld.Expected(int.Parse(d[7..12], CultureInfo.InvariantCulture))).ThenBy(d => d, StringComparer.Ordinal), domains);
        Assert.Equal("10", await page.GetAttributeAsync("#matching", "data-count"));

        await page.SelectOptionAsync("#search select[name=state]", "Disabled");
        await page.FillAsync("#search input[name=q]", string.Empty);
        await page.ClickAsync("#search button[type=submit]");
        Assert.Equal(Enumerable.Range(0, Tenants).Where(StatusPageAtScaleWorld.Disabled).Select(StatusPageAtScaleWorld.Domain), await DomainsAsync(page));
        Assert.Contains("state=Disabled", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue14_StatusPage_SearchText_HtmlEncoded()
    {
        var page = await world.Chromium.Browser.NewPageAsync();

        await page.GotoAsync(new Uri(world.AdminUrl, "/?q=" + Uri.EscapeDataString("<script>alert(1)</script>\"")).AbsoluteUri);

        Assert.Equal(0, await page.Locator("script").CountAsync());
        Assert.Equal("<script>alert(1)</script>\"", await page.InputValueAsync("#search input[name=q]"));
        Assert.Equal("0", await page.GetAttributeAsync("#matching", "data-count"));
    }

    [Fact]
    public async Task Issue14_StatusPage_Paging_NextAndLastFollowTheSameOrder()
    {
        var page = await world.Chromium.Browser.NewPageAsync(new BrowserNewPageOptions { JavaScriptEnabled = false });
        await page.GotoAsync(world.AdminUrl.AbsoluteUri);
        var first = await DomainsAsync(page);
        var pages = (Tenants + StatusPageQuery.DefaultPageSize - 1) / StatusPageQuery.DefaultPageSize;
        Assert.Equal(pages.ToString(CultureInfo.InvariantCulture), await page.GetAttributeAsync("nav.paging", "data-pages"));

        await page.Locator("nav.paging a[rel=next]").First.ClickAsync();
        var second = await DomainsAsync(page);
        await page.Locator("nav.paging a[rel=last]").First.ClickAsync();
        var last = await DomainsAsync(page);

        var order = Enumerable.Range(0, Tenants).OrderBy(StatusPageAtScaleWorld.Expected).ThenBy(StatusPageAtScaleWorld.Domain, StringComparer.Ordinal).Select(StatusPageAtScaleWorld.Domain).ToList();
        Assert.Equal(order.Take(100), first);
        Assert.Equal(order.Skip(100).Take(100), second);
        Assert.Equal(order.Skip((pages - 1) * 100), last);
        Assert.Equal(pages.ToString(CultureInfo.InvariantCulture), await page.GetAttributeAsync("nav.paging", "data-page"));
    }

    [Fact]
    public async Task Issue14_StatusPage_TenantView_ShowsVerdictsAndFindings()
    {
        var page = await world.Chromium.Browser.NewPageAsync();
        await page.GotoAsync(world.AdminUrl.AbsoluteUri);
        var failing = StatusPageAtScaleWorld.Domain(7);

        await page.ClickAsync($"#tenants tr[data-domain='{failing}'] a");

        Assert.Equal(failing, await page.GetAttributeAsync("#tenant", "data-domain"));
        Assert.Equal("Fail", await page.GetAttributeAsync("#tenant", "data-state"));
        Assert.Equal(4, await page.Locator("#findings li[data-verdict=Fail]").CountAsync());
        Assert.Equal(["Srv", "Web", "Live", "Web"], await page.Locator("#findings li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.area)"));
        Assert.Equal(Enum.GetValues<PoshServer.TenantChecks.KnownVerifier>().Length, await page.Locator("#verdicts tbody tr").CountAsync());
        Assert.Contains(StatusPageAtScaleWorld.LongFinding, await page.InnerTextAsync("#findings"), StringComparison.Ordinal);

        var missing = await page.GotoAsync(new Uri(world.AdminUrl, "/?tenant=nobody.example").AbsoluteUri);
        Assert.Equal(404, missing!.Status);
        Assert.Equal(1, await page.Locator("#tenant-not-found").CountAsync());
    }

    [Fact]
    public async Task Issue14_StatusPage_IdnTenants_ShownAsALabelAndULabel_FoundByEither()
    {
        var page = await world.Chromium.Browser.NewPageAsync();
        await page.GotoAsync(new Uri(world.AdminUrl, "/?q=" + Uri.EscapeDataString("bücher")).AbsoluteUri);

        var rows = page.Locator("#tenants tbody tr");
        Assert.Equal(StatusPageAtScaleWorld.Idn, await rows.CountAsync());
        var idn = StatusPageAtScaleWorld.Regular + 1;
        var row = page.Locator($"#tenants tr[data-domain='{StatusPageAtScaleWorld.Domain(idn)}']");
        Assert.Equal(StatusPageAtScaleWorld.Domain(idn), await row.Locator("a").InnerTextAsync());
        Assert.Equal(StatusPageAtScaleWorld.UnicodeDomain(idn), await row.Locator("[data-unicode]").InnerTextAsync());

        await page.GotoAsync(new Uri(world.AdminUrl, "/?q=xn--bcher").AbsoluteUri);
        Assert.Equal(StatusPageAtScaleWorld.Idn, await rows.CountAsync());
        await page.GotoAsync(new Uri(world.AdminUrl, "/?tenant=" + Uri.EscapeDataString(StatusPageAtScaleWorld.UnicodeDomain(idn))).AbsoluteUri);
        Assert.Equal(StatusPageAtScaleWorld.Domain(idn), await page.GetAttributeAsync("#tenant", "data-domain"));
        Assert.Equal(StatusPageAtScaleWorld.UnicodeDomain(idn), await page.InnerTextAsync("#tenant h2 [data-unicode]"));
    }

    /// <summary>Not a timing assertion: prints navigation → load of the first page over several runs, for bench/results.</summary>
    [Fact]
    public async Task StatusPage_10000Tenants_NavigationTimingsPrinted()
    {
        var page = await world.Chromium.Browser.NewPageAsync();
        for (var run = 0; run < 6; run++)
        {
            foreach (var path in new[] { "/", "/metrics" })
            {
                await page.GotoAsync(new Uri(world.AdminUrl, path).AbsoluteUri + (path == "/" ? "?run=" + run : string.Empty), new PageGotoOptions { WaitUntil = WaitUntilState.Load });
                var timing = await page.EvaluateAsync<JsonElement>("() => { const n = performance.getEntriesByType('navigation')[0]; return { ttfb: n.responseStart - n.startTime, load: n.loadEventEnd - n.startTime, bytes: n.transferSize, body: n.decodedBodySize }; }");
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"run {run} {path,-8} ttfb {timing.GetProperty("ttfb").GetDouble(),7:0.0} ms  load {timing.GetProperty("load").GetDouble(),7:0.0} ms  body {timing.GetProperty("body").GetDouble():0} bytes"));
                Assert.True(timing.GetProperty("body").GetDouble() > 0);
            }
        }

        // The server's share: building the report of 10,000 tenants and rendering the first page, in process.
        var builder = world.Server.Services.GetRequiredService<StatusReportBuilder>();
        for (var run = 0; run < 6; run++)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var report = builder.Build();
            var built = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            var (html, _) = StatusPage.Render(report, new StatusPageQuery());
            var rendered = System.Diagnostics.Stopwatch.GetElapsedTime(started) - built;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"run {run} server  build {built.TotalMilliseconds,7:0.0} ms  render {rendered.TotalMilliseconds,7:0.0} ms  {html.Length} chars"));
        }
    }

    private static async Task<int> CountAsync(IPage page, string selector) =>
        int.Parse(await page.InnerTextAsync(selector), NumberStyles.None, CultureInfo.InvariantCulture);

    private static async Task<string[]> DomainsAsync(IPage page) =>
        await page.Locator("#tenants tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.domain)");
}

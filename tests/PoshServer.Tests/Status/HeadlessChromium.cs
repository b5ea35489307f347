using PoshTesting;

namespace PoshServer.Tests.Status;

/// <summary>Debian's chromium in headless mode: renders a page and returns the DOM after load. A missing binary fails the test.</summary>
internal static class HeadlessChromium
{
    public static async Task<string> DumpDomAsync(Uri url)
    {
        using var profile = new TempDirectory("posh-chromium-");
        using var process = new System.Diagnostics.Process
        {
            StartInfo = new System.Diagnostics.ProcessStartInfo("chromium")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                ArgumentList =
                {
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    $"--user-data-dir={profile.Path}", "--dump-dom", url.AbsoluteUri,
                },
            },
        };
        process.Start();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("chromium did not finish within 90 s: " + await errors);
        }

        var dom = await output;
        Assert.True(dom.Length > 0, "chromium printed no DOM: " + await errors);
        return dom;
    }
}

using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using PoshTesting;

namespace PoshClient.Tests.Integration;

/// <summary>
/// Runs <c>PoshServer check</c> as a process, as an operator would: the world's DNS server as <c>--dns-server</c> and its
/// CA, written to a PEM file, as <c>--trust</c>. Returns the exit code and stdout + stderr.
/// </summary>
internal static class CheckCommandRunner
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    public static async Task<(int ExitCode, string Output)> RunAsync(TempDirectory directory, X509Certificate2 root, IPEndPoint dnsServer, string domain, params string[] extra)
    {
        var trust = directory.Combine("roots.pem");
        await File.WriteAllTextAsync(trust, root.ExportCertificatePem() + "\n");
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "PoshServer"))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory.Path,
        };
        foreach (var argument in new[] { "check", domain, "--dns-server", dnsServer.ToString(), "--trust", trust }.Concat(extra))
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(s_timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException ex)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("check did not finish within 60 s:\n" + await stdout + await stderr, ex);
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}

using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using PoshServer.Certificates;
using PoshServer.Tenants;

namespace PoshServer.Rotation;

/// <summary>
/// Deploys a certificate: copies the next certificate (and key) over the deployed files, each through a temporary
/// file in the same directory and a rename (the XMPP server never reads half a file), then runs the reload command
/// as a plain argv (no shell, so paths and arguments need no quoting).
/// </summary>
internal sealed class RotationSwitcher(IOptions<RotationOptions> options, TimeProvider timeProvider)
{
    public async Task<RotationSwitchOutcome> SwitchAsync(CertificateSetRotation rotation, PublishedCertificate next, CancellationToken cancellationToken = default)
    {
        var at = timeProvider.GetUtcNow();
        RotationSwitchOutcome Outcome(bool succeeded, string message) => new() { At = at, Sha256 = next.Sha256, Succeeded = succeeded, Message = message };

        try
        {
            // The key first: a server that reloads on its own when the certificate changes then finds the matching key.
            if (rotation.NextKey is { } key && rotation.DeployKey is { } deployKey)
            {
                CopyAtomically(key, deployKey);
            }

            CopyAtomically(rotation.NextCertificate!, rotation.DeployCertificate!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Outcome(false, $"copying the certificate into place failed: {ex.Message}");
        }

        var copied = $"copied {rotation.NextCertificate} to {rotation.DeployCertificate}";
        if (rotation.ReloadCommand.IsEmpty)
        {
            return Outcome(true, copied + "; no reload command configured");
        }

        var (exitCode, output) = await RunAsync(rotation.ReloadCommand, cancellationToken);
        var command = string.Join(' ', rotation.ReloadCommand);
        return exitCode == 0
            ? Outcome(true, $"{copied}; '{command}' succeeded")
            : Outcome(false, string.Create(CultureInfo.InvariantCulture, $"{copied}, but '{command}' {(exitCode is { } code ? $"exited with {code}" : "did not run")}: {output}"));
    }

    private static void CopyAtomically(string source, string target)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(target))!;
        var temp = Path.Combine(directory, "." + Path.GetFileName(target) + ".posh-tmp");
        File.Copy(source, temp, overwrite: true);
        File.Move(temp, target, overwrite: true);
    }

    private async Task<(int? ExitCode, string Output)> RunAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(argv[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in argv.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        using var timeout = new CancellationTokenSource(options.Value.ReloadTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("the process did not start");
        }
        catch (Win32Exception ex)
        {
            return (null, ex.Message);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(linked.Token);
            var stderr = process.StandardError.ReadToEndAsync(linked.Token);
            try
            {
                await process.WaitForExitAsync(linked.Token);
                var text = ((await stderr) + " " + (await stdout)).Trim();
                return (process.ExitCode, text.Length > 500 ? text[..500] + "…" : text);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                return (null, string.Create(CultureInfo.InvariantCulture, $"timed out after {options.Value.ReloadTimeout.TotalSeconds:0} s and was killed"));
            }
        }
    }
}

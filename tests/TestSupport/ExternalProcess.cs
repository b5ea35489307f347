using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PoshTesting;

/// <summary>
/// A real component (prosody, dnsmasq, nginx, pebble, …) started as a local process by a test fixture:
/// output captured for diagnosis, killed with its process tree on dispose and when the test host exits.
/// A missing binary is a failure, never a skip: CI installs every component the tests use.
/// </summary>
internal sealed class ExternalProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, Process> s_running = new();
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    static ExternalProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in s_running.Values)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // Already gone.
                }
            }
        };
    }

    private ExternalProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public int ProcessId => _process.Id;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output => string.Join('\n', _output);

    public static ExternalProcess Start(string fileName, IEnumerable<string> arguments, string? workingDirectory = null, IDictionary<string, string>? environment = null)
    {
        var path = ResolveExecutable(fileName);
        var info = new ProcessStartInfo(path)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var result = new ExternalProcess(process, Path.GetFileName(path));
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        s_running[process.Id] = process;
        return result;
    }

    /// <summary>Finds a binary on PATH or in the sbin directories; throws with the package to install when absent.</summary>
    public static string ResolveExecutable(string fileName)
    {
        if (Path.IsPathRooted(fileName))
        {
            return File.Exists(fileName) ? fileName : throw Missing(fileName);
        }

        var directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/local/sbin", "/usr/bin"]);
        foreach (var directory in directories)
        {
            var candidate = Path.Combine(directory, fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw Missing(fileName);
    }

    /// <summary>Polls a TCP connect until the port accepts or the deadline passes; fails with the process output.</summary>
    public async Task WaitForTcpAsync(IPEndPoint endPoint, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before listening on {endPoint}:\n{Output}");
            }

            try
            {
                using var client = new TcpClient(endPoint.AddressFamily);
                await client.ConnectAsync(endPoint, cts.Token);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, CancellationToken.None);
            }
            catch (OperationCanceledException ex)
            {
                throw new TimeoutException($"{Name} did not listen on {endPoint} within {timeout}:\n{Output}", ex);
            }

            if (cts.IsCancellationRequested)
            {
                throw new TimeoutException($"{Name} did not listen on {endPoint} within {timeout}:\n{Output}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        s_running.TryRemove(_process.Id, out _);
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(cts.Token);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }

        _process.Dispose();
    }

    private static FileNotFoundException Missing(string fileName) =>
        new($"'{fileName}' is not installed. The test command in README.md installs every Debian package the tests use (see scripts/install-test-deps.sh).", fileName);

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 2000)
        {
            _output.TryDequeue(out _);
        }
    }
}

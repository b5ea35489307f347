using System.Diagnostics;
using System.Globalization;
using System.Net;
using Npgsql;

namespace PoshTesting;

/// <summary>
/// A real PostgreSQL (Debian package <c>postgresql</c>) in a temp directory on a loopback address: initdb, then the
/// server in the foreground, trust authentication on that address only, fsync off. PostgreSQL refuses to run as root,
/// so as root it runs as the <c>postgres</c> user (through runuser) in a directory that user owns. Stop and start it
/// to model an outage; the data survives.
/// </summary>
internal sealed class PostgreSqlServer : IAsyncDisposable
{
    private readonly TempDirectory _directory = new("posh-pg-");
    private readonly string _bin;
    private ExternalProcess? _server;

    private PostgreSqlServer(IPAddress address)
    {
        Address = address;
        Port = FreePort.Tcp(address);
        _bin = FindBinaries();
    }

    public IPAddress Address { get; }

    public int Port { get; }

    public string ConnectionString =>
        string.Create(CultureInfo.InvariantCulture, $"Host={Address};Port={Port};Username=posh;Database=postgres;Timeout=3;Command Timeout=15;Pooling=true");

    public string Output => _server?.Output ?? string.Empty;

    private string DataDirectory => _directory.Combine("data");

    private static bool AsRoot => Environment.IsPrivilegedProcess;

    public static async Task<PostgreSqlServer> StartAsync(IPAddress address)
    {
        var server = new PostgreSqlServer(address);
        try
        {
            await server.InitializeAsync();
            await server.StartServerAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the server abruptly (SIGKILL): clients see connection failures until <see cref="StartServerAsync"/>.</summary>
    public async Task StopServerAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;

            // The postmaster's children hold the port a moment longer; the next start waits for it.
        }
    }

    /// <summary>Starts the server on the same address, port and data (crash recovery after a stop), and waits until it answers.</summary>
    public async Task StartServerAsync()
    {
        File.Delete(Path.Combine(DataDirectory, "postmaster.pid"));
        string[] arguments =
        [
            "-D", DataDirectory, "-h", Address.ToString(), "-p", Port.ToString(CultureInfo.InvariantCulture), "-k", _directory.Path,
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200",
        ];
        _server = Run(Path.Combine(_bin, "postgres"), arguments);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            if (_server.HasExited)
            {
                // The port may still be held by the previous instance's children: try again.
                await Task.Delay(200, deadline.Token);
                _server = Run(Path.Combine(_bin, "postgres"), arguments);
            }

            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
                await connection.OpenAsync(deadline.Token);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(deadline.Token);
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException && !deadline.IsCancellationRequested)
            {
                await Task.Delay(100, CancellationToken.None);
            }
            catch (OperationCanceledException ex)
            {
                throw new TimeoutException($"PostgreSQL did not answer within 60 s:\n{_server.Output}", ex);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopServerAsync();
        _directory.Dispose();
    }

    private static string FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        var versions = Directory.Exists(root)
            ? Directory.GetDirectories(root).Where(d => File.Exists(Path.Combine(d, "bin", "postgres")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0).ToList()
            : [];
        return versions.Count > 0
            ? Path.Combine(versions[0], "bin")
            : Path.GetDirectoryName(ExternalProcess.ResolveExecutable("postgres"))!;
    }

    private ExternalProcess Run(string executable, IEnumerable<string> arguments) =>
        AsRoot
            ? ExternalProcess.Start("runuser", ["-u", "postgres", "--", executable, .. arguments], _directory.Path)
            : ExternalProcess.Start(executable, arguments, _directory.Path);

    private async Task InitializeAsync()
    {
        if (AsRoot)
        {
            // The data directory must belong to the user the server runs as (and nobody else may read it).
            await RunToEndAsync("chown", ["-R", "postgres:postgres", _directory.Path]);
        }

        await using var initdb = Run(Path.Combine(_bin, "initdb"), ["-D", DataDirectory, "-U", "posh", "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C"]);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (!initdb.HasExited)
        {
            await Task.Delay(100, deadline.Token);
        }

        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            throw new InvalidOperationException($"initdb failed:\n{initdb.Output}");
        }
    }

    private static async Task RunToEndAsync(string fileName, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(ExternalProcess.ResolveExecutable(fileName)) { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} failed: {error}");
        }
    }
}

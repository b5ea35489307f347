using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace PoshTesting;

/// <summary>
/// The real PoshServer executable (the build output of src/PoshServer, copied next to the tests) as a separate
/// process, as an operator runs it: real Kestrel on <c>address:443</c>, an HTTPS certificate from the test CA,
/// and a tenants directory written by the test. The PoshServer part of <see cref="XmppWorld"/>.
/// </summary>
/// <remarks>
/// Port 443 needs root (or CAP_NET_BIND_SERVICE); without it the server takes a free port instead and clients map
/// 443 to it (as the integration tests' world does), so the tests also run as an ordinary user.
/// </remarks>
internal sealed class PoshServerExecutable : IAsyncDisposable
{
    private readonly ExternalProcess _process;
    private readonly TempDirectory _directory;

    private PoshServerExecutable(ExternalProcess process, TempDirectory directory, IPEndPoint endPoint)
    {
        _process = process;
        _directory = directory;
        EndPoint = endPoint;
    }

    /// <summary>Where HTTPS is served: the loopback address of the hoster's web server, port 443 when it could be bound.</summary>
    public IPEndPoint EndPoint { get; }

    public string Output => _process.Output;

    /// <summary>Writes the HTTPS certificate, starts the server and waits until it listens (tenants are loaded before that).</summary>
    /// <param name="address">The loopback address to listen on (port 443).</param>
    /// <param name="tenantsDirectory">The tenants directory.</param>
    /// <param name="hostName">The hoster's POSH host name, also the origin of reference files.</param>
    /// <param name="httpsCertificate">The certificate (with key) for the hoster's name and the tenants served by Host.</param>
    public static async Task<PoshServerExecutable> StartAsync(IPAddress address, string tenantsDirectory, string hostName, X509Certificate2 httpsCertificate)
    {
        var directory = new TempDirectory("posh-world-server-");
        var certificateFile = directory.Combine("https.crt");
        var keyFile = directory.Combine("https.key");
        TestCertificates.WritePem(httpsCertificate, certificateFile, keyFile);
        var endPoint = new IPEndPoint(address, CanListen(address, 443) ? 443 : FreePort.Tcp(address));
        string[] args =
        [
            $"--Tenants:Directory={tenantsDirectory}",
            $"--Https:Address={address}",
            $"--Https:Port={endPoint.Port}",
            "--Https:PublicPort=443",
            "--Https:HttpPort=0",
            $"--Https:Certificates:0:CertificateFile={certificateFile}",
            $"--Https:Certificates:0:KeyFile={keyFile}",
            "--Https:UnknownSni=Reject",
            $"--Posh:HostNames:0={hostName}",
            $"--Posh:PublicBaseUrl=https://{hostName}",
            "--Logging:LogLevel:Default=Warning",
            // No admin listener, and no background tenant checks: they would resolve names outside the test world.
            "--Admin:Enabled=false",
            "--TenantChecks:Background=false",
        ];

        // The test project references PoshServer, so its apphost is built next to the tests.
        var executable = Path.Combine(AppContext.BaseDirectory, "PoshServer");
        var process = ExternalProcess.Start(executable, args, directory.Path, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        });
        try
        {
            await process.WaitForTcpAsync(endPoint, TimeSpan.FromSeconds(30));
        }
        catch
        {
            await process.DisposeAsync();
            directory.Dispose();
            throw;
        }

        return new PoshServerExecutable(process, directory, endPoint);
    }

    private static bool CanListen(IPAddress address, int port)
    {
        try
        {
            using var listener = new TcpListener(address, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _directory.Dispose();
    }
}

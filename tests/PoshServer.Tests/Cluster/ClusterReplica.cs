using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using PoshTesting;

namespace PoshServer.Tests.Cluster;

/// <summary>
/// One PoshServer replica as its own process (the apphost built next to the tests), on its own loopback address:
/// HTTPS on a free port, plain HTTP on Pebble's http-01 port, the admin listener on a free port, and the cluster
/// store in the test's PostgreSQL.
/// </summary>
internal sealed class ClusterReplica : IAsyncDisposable
{
    private readonly string[] _arguments;
    private readonly TempDirectory _directory;
    private ExternalProcess? _process;

    private ClusterReplica(string name, IPAddress address, TempDirectory directory, string[] arguments, int httpsPort, int adminPort)
    {
        Name = name;
        Address = address;
        _directory = directory;
        _arguments = arguments;
        HttpsPort = httpsPort;
        AdminPort = adminPort;
    }

    public string Name { get; }

    public IPAddress Address { get; }

    public int HttpsPort { get; }

    public int AdminPort { get; }

    public int? ProcessId => _process?.ProcessId;

    public string Output => _process?.Output ?? "(not running)";

    public static async Task<ClusterReplica> StartAsync(ClusterWorld world, string name, IPAddress address, IEnumerable<string> extraArguments)
    {
        var directory = new TempDirectory("posh-replica-");
        var httpsPort = FreePort.Tcp(address);
        var adminPort = FreePort.Tcp(address);
        string[] arguments =
        [
            $"--Tenants:Directory={world.TenantsDirectory}",
            "--Tenants:ReloadDebounce=00:00:00.050",
            $"--Https:Address={address}",
            $"--Https:Port={httpsPort}",
            $"--Https:HttpPort={world.Pebble.HttpPort}",
            "--Https:PublicPort=443",
            "--Posh:HostNames:0=posh.cluster.test",
            "--Posh:PublicBaseUrl=https://posh.cluster.test",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:PoshServer.Acme=Information",
            "--Logging:LogLevel:PoshServer.Cluster=Information",
            "--Admin:Enabled=true",
            $"--Admin:Address={address}",
            $"--Admin:Port={adminPort}",
            "--TenantChecks:Background=false",
            $"--Rotation:StatePath={directory.Combine("rotation-state.json")}",
            "--Acme:Enabled=true",
            $"--Acme:DirectoryUrl={world.Pebble.DirectoryUrl}",
            "--Acme:AcceptTermsOfService=true",
            "--Acme:Contact:0=mailto:hostmaster@cluster.test",
            $"--Acme:StoragePath={directory.Combine("acme")}",
            $"--Acme:TrustedRootPath={world.Pebble.TlsRootPemPath}",
            $"--Acme:ChallengePort={world.Pebble.HttpPort}",
            "--Acme:Preflight=false",
            "--Acme:IssuanceTimeout=00:02:00",
            "--Acme:InitialBackoff=00:00:02",
            "--Acme:MaxConcurrentIssuances=4",
            "--Cluster:Store=postgresql",
            $"--Cluster:ConnectionString={world.PostgreSql.ConnectionString}",
            $"--Cluster:ReplicaName={name}",
            $"--Cluster:EncryptionKey={world.EncryptionKey}",
            "--Cluster:LockTtl=00:00:04",
            "--Cluster:PollInterval=00:00:01",
            "--Cluster:HeartbeatInterval=00:00:01",
            "--Cluster:ReplicaTimeout=00:00:10",
            .. world.AcmeNames.Select((n, i) => string.Create(CultureInfo.InvariantCulture, $"--Acme:HostNames:{i}={n}")),
            .. extraArguments,
        ];
        var replica = new ClusterReplica(name, address, directory, arguments, httpsPort, adminPort);
        await replica.StartProcessAsync();
        return replica;
    }

    /// <summary>
    /// A replica without ACME (no Pebble): serves <paramref name="tenantsDirectory"/> with the cluster store in
    /// <paramref name="postgreSql"/>; <paramref name="extraArguments"/> come last, so they override the defaults.
    /// </summary>
    public static async Task<ClusterReplica> StartWithoutAcmeAsync(
        PostgreSqlServer postgreSql, string encryptionKey, string tenantsDirectory, string name, IPAddress address, IEnumerable<string> extraArguments)
    {
        var directory = new TempDirectory("posh-replica-");
        var httpsPort = FreePort.Tcp(address);
        var adminPort = FreePort.Tcp(address);
        string[] arguments =
        [
            $"--Tenants:Directory={tenantsDirectory}",
            "--Tenants:ReloadDebounce=00:00:00.050",
            $"--Https:Address={address}",
            $"--Https:Port={httpsPort}",
            $"--Https:HttpPort={FreePort.Tcp(address)}",
            "--Https:PublicPort=443",
            "--Posh:HostNames:0=posh.cluster.test",
            "--Posh:PublicBaseUrl=https://posh.cluster.test",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:PoshServer.Rotation=Information",
            "--Logging:LogLevel:PoshServer.TenantChecks=Information",
            "--Logging:LogLevel:PoshServer.Cluster=Information",
            "--Admin:Enabled=true",
            $"--Admin:Address={address}",
            $"--Admin:Port={adminPort}",
            "--TenantChecks:Background=false",
            $"--Rotation:StatePath={directory.Combine("rotation-state.json")}",
            "--Acme:Enabled=false",
            "--Cluster:Store=postgresql",
            $"--Cluster:ConnectionString={postgreSql.ConnectionString}",
            $"--Cluster:ReplicaName={name}",
            $"--Cluster:EncryptionKey={encryptionKey}",
            "--Cluster:LockTtl=00:00:04",
            "--Cluster:PollInterval=00:00:01",
            "--Cluster:HeartbeatInterval=00:00:01",
            "--Cluster:ReplicaTimeout=00:00:10",
            .. extraArguments,
        ];
        var replica = new ClusterReplica(name, address, directory, arguments, httpsPort, adminPort);
        await replica.StartProcessAsync();
        return replica;
    }

    /// <summary>Starts (or restarts) the process with the same arguments and waits until HTTPS listens.</summary>
    public async Task StartProcessAsync()
    {
        var process = ExternalProcess.Start(Path.Combine(AppContext.BaseDirectory, "PoshServer"), _arguments, _directory.Path, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        });
        _process = process;
        await process.WaitForTcpAsync(new IPEndPoint(Address, HttpsPort), TimeSpan.FromSeconds(60));
    }

    /// <summary>SIGKILL: no shutdown code runs, connections and leases are left as they are.</summary>
    public async Task KillAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }
    }

    /// <summary>The certificate served for SNI <paramref name="hostName"/> if it validates against <paramref name="policy"/>; null otherwise.</summary>
    public async Task<X509Certificate2?> FetchValidatedCertificateAsync(string hostName, X509ChainPolicy policy)
    {
        using var client = new TcpClient(AddressFamily.InterNetwork);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(new IPEndPoint(Address, HttpsPort), timeout.Token);
        await using var tls = new SslStream(client.GetStream());
        var valid = false;
        try
        {
            await tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = hostName,
                    RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                    {
                        if (certificate is null || chain is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
                        {
                            return false;
                        }

                        using var custom = new X509Chain { ChainPolicy = policy.Clone() };
                        custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
                        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                        valid = custom.Build(leaf);
                        return valid;
                    },
                },
                timeout.Token);
        }
        catch (System.Security.Authentication.AuthenticationException)
        {
            return null;
        }

        return valid && tls.RemoteCertificate is { } served ? X509CertificateLoader.LoadCertificate(served.GetRawCertData()) : null;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _directory.Dispose();
    }
}

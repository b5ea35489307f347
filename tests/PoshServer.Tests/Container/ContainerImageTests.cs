using System.Net;
using System.Net.Sockets;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Images;
using PoshClient.Documents;
using PoshClient.Verification;
using PoshTesting;

namespace PoshServer.Tests.Container;

/// <summary>
/// The repository's Dockerfile, built and run as an operator runs it: the process is not root, the tenants
/// directory is mounted read-only, the health endpoint turns healthy, and PoshClient verifies a certificate
/// against the POSH document the container serves. The container shares the host's network namespace and
/// listens on a loopback address of its own; nothing leaves the machine. Docker must be running
/// (scripts/start-docker.sh): without it this test fails, it is never skipped.
/// </summary>
public sealed class ContainerImageTests : IAsyncLifetime
{
    private const string Tenant = "container.example";
    private static readonly IPAddress s_address = IPAddress.Parse("127.0.64.2");
    private static readonly TimeSpan s_bound = TimeSpan.FromMinutes(8);

    private readonly TenantWorld _world = new();
    private readonly int _httpsPort = FreePort.Tcp(s_address);
    private readonly int _httpPort = FreePort.Tcp(s_address);
    private IFutureDockerImage _image = null!;
    private IContainer _container = null!;

    static ContainerImageTests()
    {
        // Debian's docker.io 20.10 speaks API 1.41; Testcontainers' client asks for 1.44 unless told otherwise.
        if (Environment.GetEnvironmentVariable("DOCKER_API_VERSION") is null)
        {
            Environment.SetEnvironmentVariable("DOCKER_API_VERSION", "1.41");
        }

        // The Ryuk reaper is an image from a registry; the container removes itself instead (WithAutoRemove).
        Environment.SetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED", "true");
    }

    public async Task InitializeAsync()
    {
        _world.WriteTenant($"{Tenant}.yaml", $"domain: {Tenant}\nexpires: 600\n");
        MakeReadableByTheContainerUser(_world.Path);

        using var cts = new CancellationTokenSource(s_bound);
        _image = new ImageFromDockerfileBuilder()
            .WithDockerfileDirectory(RepositoryPaths.Root)
            .WithDockerfile("Dockerfile")
            .WithName("poshserver-image-test:latest")
            // Built afresh every run: an image left by an earlier run must not stand in for a build that failed.
            .WithDeleteIfExists(true)
            // The build's restore reaches NuGet through the host's network: the engine has no bridge.
            .WithCreateParameterModifier(p => p.NetworkMode = "host")
            .Build();
        await _image.CreateAsync(cts.Token);

        _container = new ContainerBuilder(_image)
            .WithAutoRemove(true)
            .WithBindMount(_world.Path, "/app/tenants", AccessMode.ReadOnly)
            .WithEnvironment("Https__Address", s_address.ToString())
            .WithEnvironment("Https__Port", _httpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("Https__HttpPort", _httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("Posh__HostNames__0", PoshServerHost.HosterName)
            .WithEnvironment("Posh__PublicBaseUrl", $"https://{PoshServerHost.HosterName}")
            .WithEnvironment("Admin__Enabled", "false")
            // Background checks would resolve the tenant on the machine's DNS: this test stays on loopback.
            .WithEnvironment("TenantChecks__Background", "false")
            // WithNetwork("host") attaches to a network named host; only the host config gives the host's namespace.
            .WithCreateParameterModifier(p =>
            {
                p.HostConfig ??= new();
                p.HostConfig.NetworkMode = "host";
            })
            // The built-in HTTP wait needs a mapped port, which host networking does not have.
            .WithWaitStrategy(Wait.ForUnixContainer().AddCustomWaitStrategy(new ReadyOverLoopback(new Uri($"https://{PoshServerHost.HosterName}:{_httpsPort}/healthz/ready"), Connect), w => w.WithTimeout(TimeSpan.FromMinutes(2))))
            .Build();
        await _container.StartAsync(cts.Token);
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }

        if (_image is not null)
        {
            await _image.DisposeAsync();
        }

        _world.Dispose();
    }

    [Fact]
    public async Task Image_RunAsAnOperatorWould_NonRootReadOnlyTenantsHealthyAndVerifiable()
    {
        using var cts = new CancellationTokenSource(s_bound);

        // Not root: the image's USER is the non-root app user.
        var id = await _container.ExecAsync(["id", "-u"], cts.Token);
        Assert.Equal(0, id.ExitCode);
        Assert.NotEqual("0", id.Stdout.Trim());

        // The tenants mount cannot be written from inside.
        var write = await _container.ExecAsync(["sh", "-c", "touch /app/tenants/written-by-the-container"], cts.Token);
        Assert.NotEqual(0, write.ExitCode);
        Assert.Contains("Read-only file system", write.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_world.Combine("written-by-the-container")));

        // Healthy, on the address and port configured through the environment.
        using var http = CreateClient();
        using var health = await http.GetAsync($"https://{PoshServerHost.HosterName}:{_httpsPort}/healthz", cts.Token);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", Health.HealthJson.Status(await health.Content.ReadAsStringAsync(cts.Token)));

        // PoshClient fetches the tenant's document from the container and accepts the hoster's certificate with it.
        using var verifier = new PoshVerifier(CreateClient());
        var result = await verifier.VerifyAsync(Tenant, PoshService.XmppServer, _world.HosterCertificate!, cts.Token);
        Assert.True(result.IsVerified, result.Reason);
        Assert.Equal(PoshVerificationOutcome.VerifiedByPosh, result.Outcome);
        Assert.Contains("expires 600", result.Reason, StringComparison.Ordinal);
    }

    /// <summary>Every host name reaches the container's HTTPS port (443 in POSH URLs); its development certificate is accepted.</summary>
    private HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, ConnectCallback = (context, ct) => Connect(context.DnsEndPoint.Port == 80 ? _httpPort : _httpsPort, ct) };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    private async ValueTask<Stream> Connect(int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(s_address, port == 443 ? _httpsPort : port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private ValueTask<Stream> Connect(SocketsHttpConnectionContext context, CancellationToken cancellationToken) =>
        Connect(context.DnsEndPoint.Port, cancellationToken);

    /// <summary>The container runs as uid 1654: the test's temporary directory must be readable by others.</summary>
    private static void MakeReadableByTheContainerUser(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        const UnixFileMode read = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        const UnixFileMode list = read | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(directory, list);
        foreach (var sub in Directory.GetDirectories(directory, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(sub, list);
        }

        foreach (var file in Directory.GetFiles(directory, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(file, read);
        }
    }
}

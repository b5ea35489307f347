using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PoshServer.Rotation;
using PoshServer.Tenants;
using PoshTesting;

namespace PoshServer.Tests.Rotation;

/// <summary>
/// A tenants directory whose default set is deployed at deployed/xmpp.pem with a next slot at renewed/xmpp.pem,
/// and the server's services built (not started, <see cref="InProcessPoshServer"/>) over it with a manual clock, so a
/// test drives rotation step by step.
/// </summary>
internal sealed class RotationWorld : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _state = new("posh-rotation-state-");
    private readonly List<WebApplication> _apps = [];

    public RotationWorld(string reloadCommand = "", bool automatic = true, int margin = 600)
    {
        Clock = new FakeTimeProvider(Start);
        World = new TenantWorld(withDefaultSet: false);
        Directory.CreateDirectory(World.Combine("deployed"));
        Directory.CreateDirectory(World.Combine("renewed"));
        Old = TestCertificates.SelfSigned(["xmpp.hosting.test"], Start.AddDays(-60), Start.AddDays(30));
        New = TestCertificates.SelfSigned(["xmpp.hosting.test"], Start.AddDays(-1), Start.AddDays(89));
        TestCertificates.WritePem(Old, World.Combine("deployed/xmpp.pem"), World.Combine("deployed/xmpp.key"));
        World.WriteSets($"""
            default:
              certificates:
                - deployed/xmpp.pem
              next: renewed/xmpp.pem
              next_key: renewed/xmpp.key
              deploy:
                certificate: deployed/xmpp.pem
                key: deployed/xmpp.key
                automatic: {(automatic ? "true" : "false")}
                margin: {margin}
            {reloadCommand}
            """);
        World.WriteTenant("a.yaml", "domain: a.test\nexpires: 3600\n");
        World.WriteTenant("b.yaml", "domain: b.test\nexpires: 7200\n");
    }

    public FakeTimeProvider Clock { get; }

    public TenantWorld World { get; }

    public X509Certificate2 Old { get; }

    public X509Certificate2 New { get; }

    public string StatePath => _state.Combine("rotation-state.json");

    public static string Sha256(X509Certificate2 certificate) => Convert.ToBase64String(certificate.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256));

    /// <summary>The renewal tool writes the new certificate and key into the next slot.</summary>
    public void WriteNext() => TestCertificates.WritePem(New, World.Combine("renewed/xmpp.pem"), World.Combine("renewed/xmpp.key"));

    /// <summary>A fresh set of server services over the same directories, as after a restart.</summary>
    public IServiceProvider StartServices()
    {
        var app = InProcessPoshServer.Build(World.Path, StatePath, services => services.AddSingleton<TimeProvider>(Clock));
        _apps.Add(app);
        return app.Services;
    }

    public static IReadOnlyList<string> PublishedFor(IServiceProvider services, string domain) =>
        [.. services.GetRequiredService<TenantStore>().Current.Tenants[domain].Certificates.Select(c => c.Sha256)];

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        World.Dispose();
        _state.Dispose();
        Old.Dispose();
        New.Dispose();
    }
}

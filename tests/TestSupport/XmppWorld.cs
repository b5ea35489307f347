using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PoshClient;
using PoshClient.Dns;
using PoshClient.Verification;
using PoshClient.Xmpp;

namespace PoshTesting;

/// <summary>
/// A hoster and its tenants on loopback, composed from the real components a test or a benchmark needs, each piece
/// optional: a throw-away CA (always; it issues every certificate and is trusted only by the world's clients), Prosody,
/// DNS (dnsmasq, or signed zones behind a validating unbound), PoshServer (the executable, or its services built in
/// process), nginx as the tenants' own web servers, and a scripted HTTPS server. Declare the pieces with the
/// <c>With…</c> methods, then <see cref="StartAsync"/> starts Prosody and PoshServer at once (they do not depend on each
/// other), then DNS (whose records name Prosody's address and ports), the in-process services, and last the web
/// servers (which may fetch from PoshServer through the world's DNS). Disposal runs in reverse order and also disposes
/// the CA and every certificate from <see cref="Issue"/>.
/// </summary>
internal sealed class XmppWorld : IAsyncDisposable
{
    private readonly List<X509Certificate2> _issued = [];
    private IReadOnlyDictionary<string, X509Certificate2>? _prosodyHosts;
    private IReadOnlyList<X509Certificate2> _intermediates = [];
    private Func<XmppWorld, IEnumerable<DnsmasqRecord>>? _dnsRecords;
    private IReadOnlyList<string>? _dnsZones;
    private Func<XmppWorld, IReadOnlyList<DnssecZone>>? _dnssecZones;
    private Func<Task<PoshServerExecutable>>? _startPoshServer;
    private Func<WebApplication>? _buildServices;
    private Func<XmppWorld, Task<IReadOnlyList<NginxSite>>>? _nginxSites;
    private (X509Certificate2 Certificate, Action<ScriptedHttpsServer> Map)? _webSetup;

    private ProsodyServer? _prosody;
    private DnsmasqServer? _dns;
    private DnssecServer? _dnssec;
    private PoshServerExecutable? _poshServer;
    private WebApplication? _app;
    private NginxServer? _nginx;
    private ScriptedHttpsServer? _web;

    public XmppWorld(string authorityName)
    {
        Authority = new TestCertificateAuthority(authorityName);
    }

    public TestCertificateAuthority Authority { get; }

    public ProsodyServer Prosody => _prosody ?? throw Missing("Prosody");

    /// <summary>dnsmasq (<see cref="WithDns"/>).</summary>
    public DnsmasqServer Dns => _dns ?? throw Missing("dnsmasq");

    /// <summary>nsd and a validating unbound (<see cref="WithDnssec"/>).</summary>
    public DnssecServer Dnssec => _dnssec ?? throw Missing("signed DNS");

    public PoshServerExecutable PoshServer => _poshServer ?? throw Missing("the PoshServer executable");

    /// <summary>The in-process server's services (<see cref="WithPoshServerServices"/>).</summary>
    public IServiceProvider Services => _app?.Services ?? throw Missing("PoshServer's services");

    public NginxServer Nginx => _nginx ?? throw Missing("nginx");

    /// <summary>The scripted HTTPS server (<see cref="WithWeb"/>).</summary>
    public ScriptedHttpsServer Web => _web ?? throw Missing("the scripted web server");

    /// <summary>Whether the world has nginx running, for callers that map ports only to what is there.</summary>
    public bool HasNginx => _nginx is not null;

    /// <summary>Whether the world has the PoshServer executable running.</summary>
    public bool HasPoshServer => _poshServer is not null;

    /// <summary>The output of every component that runs, for assertion messages.</summary>
    public string Logs => string.Join('\n', new[]
    {
        _dns is null ? null : "--- dnsmasq\n" + _dns.Output,
        _dnssec is null ? null : _dnssec.Output,
        _poshServer is null ? null : "--- PoshServer\n" + _poshServer.Output,
        _nginx is null ? null : "--- nginx\n" + _nginx.Output,
        _prosody is null ? null : "--- prosody\n" + _prosody.Log,
    }.Where(part => part is not null));

    /// <summary>A certificate from the world's CA (IP literals become IP SANs), disposed with the world.</summary>
    public X509Certificate2 Issue(string[] names, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        var certificate = Authority.Issue(names, notBefore, notAfter);
        _issued.Add(certificate);
        return certificate;
    }

    /// <summary>Prosody with one VirtualHost per (host → certificate with key); <paramref name="intermediates"/> follow each.</summary>
    public XmppWorld WithProsody(IReadOnlyDictionary<string, X509Certificate2> hosts, IReadOnlyList<X509Certificate2>? intermediates = null)
    {
        _prosodyHosts = hosts;
        _intermediates = intermediates ?? [];
        return this;
    }

    /// <summary>dnsmasq serving the records (made once Prosody runs); unknown names under <paramref name="zones"/> are NXDOMAIN.</summary>
    public XmppWorld WithDns(Func<XmppWorld, IEnumerable<DnsmasqRecord>> records, IReadOnlyList<string>? zones = null)
    {
        _dnsRecords = records;
        _dnsZones = zones;
        return this;
    }

    /// <summary>Zones signed at start (made once Prosody runs), served by nsd and validated by unbound, each KSK an anchor.</summary>
    public XmppWorld WithDnssec(Func<XmppWorld, IReadOnlyList<DnssecZone>> zones)
    {
        _dnssecZones = zones;
        return this;
    }

    /// <summary>The PoshServer executable on <paramref name="address"/>:443 (or a free port when 443 cannot be bound).</summary>
    public XmppWorld WithPoshServer(IPAddress address, string tenantsDirectory, string hostName, X509Certificate2 httpsCertificate)
    {
        _startPoshServer = () => PoshServerExecutable.StartAsync(address, tenantsDirectory, hostName, httpsCertificate);
        return this;
    }

    /// <summary>PoshServer's services built in process (not listening) over the tenants; <paramref name="configureServices"/> runs once DNS is up.</summary>
    public XmppWorld WithPoshServerServices(string tenantsDirectory, string statePath, Action<IServiceCollection>? configureServices = null, params string[] extraArgs)
    {
        _buildServices = () => InProcessPoshServer.Build(tenantsDirectory, statePath, configureServices, extraArgs);
        return this;
    }

    /// <summary>nginx with the sites, made once everything else runs (a site may hold files fetched from PoshServer).</summary>
    public XmppWorld WithNginx(Func<XmppWorld, Task<IReadOnlyList<NginxSite>>> sites)
    {
        _nginxSites = sites;
        return this;
    }

    /// <summary>A scripted HTTPS server (real Kestrel and TLS) presenting <paramref name="certificate"/>, with its routes.</summary>
    public XmppWorld WithWeb(X509Certificate2 certificate, Action<ScriptedHttpsServer> map)
    {
        _webSetup = (certificate, map);
        return this;
    }

    public async Task<XmppWorld> StartAsync()
    {
        try
        {
            var prosody = StartProsodyAsync();
            var poshServer = _startPoshServer is null ? Task.FromResult<PoshServerExecutable?>(null) : StartPoshServerAsync(_startPoshServer);
            try
            {
                await Task.WhenAll(prosody, poshServer);
            }
            finally
            {
                // Both have finished here; keep whatever did start, so that disposal stops it.
                _prosody = prosody.IsCompletedSuccessfully ? prosody.Result : null;
                _poshServer = poshServer.IsCompletedSuccessfully ? poshServer.Result : null;
            }

            if (_dnsRecords is not null)
            {
                _dns = await DnsmasqServer.StartAsync(_dnsRecords(this), _dnsZones);
            }

            if (_dnssecZones is not null)
            {
                _dnssec = await DnssecServer.StartAsync(_dnssecZones(this));
            }

            _app = _buildServices?.Invoke();
            if (_nginxSites is not null)
            {
                _nginx = await NginxServer.StartAsync(await _nginxSites(this));
            }

            if (_webSetup is { } web)
            {
                _web = await ScriptedHttpsServer.StartAsync(_ => web.Certificate);
                web.Map(_web);
            }

            return this;
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>A chain policy that trusts exactly the world's CA (PoshClient's <c>TrustedRoots</c> rule).</summary>
    public X509ChainPolicy CreateChainPolicy() => Authority.CreateChainPolicy();

    /// <summary>Resolver options that ask <paramref name="firstServers"/>, then the world's DNS (dnsmasq, else unbound).</summary>
    public DnsResolverOptions CreateResolverOptions(params IPEndPoint[] firstServers)
    {
        var options = new DnsResolverOptions();
        foreach (var server in firstServers.Append(_dns?.EndPoint ?? Dnssec.ResolverEndPoint))
        {
            options.Servers.Add(server);
        }

        return options;
    }

    /// <summary>An HTTPS client as POSH retrieval builds it (trusting the world's CA), connecting with <paramref name="connect"/>.</summary>
    public HttpClient CreateHttpClient(Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> connect) =>
        new(CreateHttpHandler(CreateClientOptions(configure: null), connect), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>A POSH verifier trusting the world's CA, whose HTTPS connections are made by <paramref name="connect"/>.</summary>
    public (PoshVerifier Verifier, HttpClient Http) CreateVerifier(
        Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> connect,
        Action<PoshClientOptions>? configure = null,
        TimeProvider? timeProvider = null)
    {
        var options = CreateClientOptions(configure);
        var http = new HttpClient(CreateHttpHandler(options, connect), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        return (new PoshVerifier(http, options, timeProvider), http);
    }

    /// <summary>
    /// A verifier (requests recorded), validator and connector trusting the world's CA; the validator asks the world's
    /// validating resolver when there is one. <paramref name="createConnector"/> replaces the connector's DNS.
    /// </summary>
    public WorldClient CreateClient(
        Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> connect,
        Action<PoshClientOptions>? configure = null,
        Action<PoshCertificateValidatorOptions>? configureValidator = null,
        Func<PoshCertificateValidator, XmppConnector>? createConnector = null,
        TimeProvider? timeProvider = null)
    {
        var options = CreateClientOptions(configure);
        var recording = new RecordingHttpHandler(CreateHttpHandler(options, connect));
        var http = new HttpClient(recording, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        var verifier = new PoshVerifier(http, options, timeProvider);
        var validatorOptions = new PoshCertificateValidatorOptions { ChainPolicy = CreateChainPolicy() };
        if (_dnssec is not null)
        {
            validatorOptions.DnsServers.Add(_dnssec.ResolverEndPoint);
        }

        configureValidator?.Invoke(validatorOptions);
        var validator = new PoshCertificateValidator(verifier, validatorOptions, timeProvider);
        var connector = createConnector?.Invoke(validator) ?? new XmppConnector(validator, timeProvider);
        return new WorldClient(http, recording, verifier, validator, connector);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var component in new IAsyncDisposable?[] { _web, _nginx, _app, _poshServer, _dnssec, _dns, _prosody })
        {
            if (component is not null)
            {
                await component.DisposeAsync();
            }
        }

        (_web, _nginx, _app, _poshServer, _dnssec, _dns, _prosody) = (null, null, null, null, null, null, null);
        foreach (var certificate in _issued)
        {
            certificate.Dispose();
        }

        _issued.Clear();
        Authority.Dispose();
    }

    private static InvalidOperationException Missing(string component) => new($"{component} is not part of this world, or the world is not started.");

    private static async Task<PoshServerExecutable?> StartPoshServerAsync(Func<Task<PoshServerExecutable>> start) => await start();

    private static SocketsHttpHandler CreateHttpHandler(PoshClientOptions options, Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> connect)
    {
        var handler = PoshVerifier.CreateHttpHandler(options);
        handler.ConnectCallback = connect;
        return handler;
    }

    private PoshClientOptions CreateClientOptions(Action<PoshClientOptions>? configure)
    {
        var options = new PoshClientOptions { WebChainPolicy = CreateChainPolicy() };
        configure?.Invoke(options);
        return options;
    }

    private async Task<ProsodyServer?> StartProsodyAsync() =>
        _prosodyHosts is null ? null : await ProsodyServer.StartAsync(_prosodyHosts, _intermediates);
}

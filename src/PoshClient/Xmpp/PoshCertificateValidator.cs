using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using PoshClient.Dane;
using PoshClient.Dns;
using PoshClient.Documents;
using PoshClient.Names;
using PoshClient.Pkix;
using PoshClient.Verification;

namespace PoshClient.Xmpp;

/// <summary>
/// Certificate validation for XMPP that other libraries can call from their own TLS code, in the order of the
/// prooftype model (RFC 7712 §7): a usable, DNSSEC-secure TLSA set decides first (DANE, RFC 7712 §5.1, RFC 7673: a
/// match accepts, a mismatch rejects and nothing rescues it); otherwise PKIX (chain + DNS-ID/SRV-ID/XmppAddr,
/// RFC 6120 §13.7.2, RFC 9525 §6, with the SRV target as a further reference identity when the SRV answer is secure,
/// RFC 7712 §6); and only when the chain or the name fails, POSH (RFC 7711 §3.3, RFC 7712 §5.2). An expired or
/// revoked certificate, or a missing one, is never rescued by POSH.
/// </summary>
/// <remarks>
/// <para>
/// .NET's <see cref="RemoteCertificateValidationCallback"/> is synchronous, while POSH needs an HTTPS retrieval.
/// RFC 7711 §5 asks initiating clients to fetch POSH material before connecting, in parallel with DNS resolution.
/// So the intended use is: call <see cref="Prefetch"/> when the connection attempt starts; in the TLS callback
/// either accept provisionally, keep the certificate and await <see cref="ValidateAsync"/> after the handshake
/// and before sending anything (what <see cref="XmppConnector"/> does), or use <see cref="CreateCallback"/>,
/// which blocks only on the lookup <see cref="Prefetch"/> already started.
/// </para>
/// <para>
/// The domain is always the reference identity. The SRV target is one too only when the SRV answer was DNSSEC-secure
/// (RFC 7673 §4.1); POSH never adds the hoster's name (RFC 7711 §4).
/// </para>
/// </remarks>
public sealed class PoshCertificateValidator
{
    private readonly IPoshVerifier _posh;
    private readonly PkixValidator _pkix;
    private readonly DaneMatcher _dane;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _poshTimeout;
    private readonly TimeSpan _callbackWait;
    // When each (domain, service) was prefetched (a timestamp of _timeProvider). The domains come from whoever drives
    // the connections, a peer included, so the map is bounded (issue 14): a mark lasts PrefetchLifetime, and at
    // MaxPrefetched marks the oldest quarter is dropped.
    private readonly ConcurrentDictionary<(string Domain, PoshService Service), long> _prefetched = new();
    private readonly Lock _trimGate = new();

    /// <summary>Creates a validator that uses <paramref name="verifier"/> for POSH.</summary>
    /// <param name="verifier">Retrieves and matches POSH material: a <see cref="PoshVerifier"/>, or a host's own source of material.</param>
    /// <param name="options">Trust store, time limits and the DNS servers of inbound DANE; null for the defaults.</param>
    /// <param name="timeProvider">Clock for certificate validity and timeouts; null for the system clock.</param>
    /// <exception cref="ArgumentOutOfRangeException">A time limit in <paramref name="options"/> is out of range.</exception>
    public PoshCertificateValidator(IPoshVerifier verifier, PoshCertificateValidatorOptions? options = null, TimeProvider? timeProvider = null)
        : this(verifier ?? throw new ArgumentNullException(nameof(verifier)), options, timeProvider, CreateDns(options, timeProvider))
    {
    }

    /// <summary>Creates a validator whose inbound DANE and piggybacking resolve through <paramref name="dns"/> (AddPoshClient's resolver, or a test's).</summary>
    internal PoshCertificateValidator(IPoshVerifier posh, PoshCertificateValidatorOptions? options, TimeProvider? timeProvider, IXmppDns? dns)
    {
        options ??= new PoshCertificateValidatorOptions();
        _posh = posh;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _pkix = new PkixValidator(options.ChainPolicy, _timeProvider);
        _dane = new DaneMatcher(_timeProvider);
        Dns = dns;
        _poshTimeout = Clamp(options.PoshTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2), nameof(options.PoshTimeout));
        _callbackWait = Clamp(options.CallbackPoshWait, TimeSpan.Zero, TimeSpan.FromSeconds(30), nameof(options.CallbackPoshWait));
    }

    /// <summary>Most (domain, service) prefetch marks kept for <see cref="CreateCallback"/>; when full, the oldest quarter is dropped.</summary>
    internal const int MaxPrefetched = 10_000;

    /// <summary>How long a prefetch lets <see cref="CreateCallback"/> wait for its material: far longer than a connection attempt.</summary>
    internal static readonly TimeSpan PrefetchLifetime = TimeSpan.FromMinutes(10);

    /// <summary>The DNS used for inbound DANE and piggybacking; null when none was configured.</summary>
    internal IXmppDns? Dns { get; }

    /// <summary>Prefetch marks held now (at most <see cref="MaxPrefetched"/>).</summary>
    internal int PrefetchedCount => _prefetched.Count;

    /// <summary>
    /// Starts retrieving the POSH material of (<paramref name="domain"/>, <paramref name="service"/>) in the background,
    /// so that it is ready when the certificate arrives (RFC 7711 §5). Cheap to call repeatedly. A prefetch lets
    /// <see cref="CreateCallback"/> use the material for 10 minutes; at most 10,000 (domain, service) pairs are
    /// remembered (the oldest go first), so domains a peer makes this side connect to cannot grow memory.
    /// </summary>
    public void Prefetch(string domain, PoshService service)
    {
        var normalized = DomainName.Parse(domain, nameof(domain)).Value;
        var key = (normalized, service);
        if (!_prefetched.ContainsKey(key) && _prefetched.Count >= MaxPrefetched)
        {
            TrimPrefetched();
        }

        _prefetched[key] = _timeProvider.GetTimestamp();
        _posh.Prefetch(normalized, service);
    }

    /// <summary>Drops expired marks, and when that is not enough the oldest, down to three quarters of the bound.</summary>
    private void TrimPrefetched()
    {
        lock (_trimGate)
        {
            foreach (var pair in _prefetched)
            {
                if (!IsLive(pair.Value))
                {
                    _prefetched.TryRemove(pair);
                }
            }

            var excess = _prefetched.Count - (MaxPrefetched * 3 / 4);
            if (excess > 0)
            {
                foreach (var pair in _prefetched.ToArray().OrderBy(p => p.Value).Take(excess))
                {
                    _prefetched.TryRemove(pair);
                }
            }
        }
    }

    private bool IsLive(long prefetchedAt) => _timeProvider.GetElapsedTime(prefetchedAt) < PrefetchLifetime;

    /// <summary>Reads (or joins the retrieval of) the POSH material, for reports; prefetch it first to avoid a fetch.</summary>
    internal Task<PoshLookupResult> LookupAsync(string domain, PoshService service, CancellationToken cancellationToken) =>
        _posh.LookupAsync(domain, service, cancellationToken);

    /// <summary>
    /// Decides whether <paramref name="certificate"/>, presented by the server of <paramref name="domain"/>, is
    /// acceptable: PKIX first, then POSH on a chain or name failure. Call it with the arguments of the TLS
    /// callback; <paramref name="sslPolicyErrors"/> is only consulted for a missing certificate, because the
    /// platform's chain and name verdicts are replaced by this validator's own.
    /// </summary>
    /// <param name="domain">The XMPP domain (the stream <c>to</c>), not the SRV target.</param>
    /// <param name="service">xmpp-client for c2s, xmpp-server for s2s.</param>
    /// <param name="certificate">The presented end-entity certificate.</param>
    /// <param name="chain">The chain from the callback; its extra certificates help path building.</param>
    /// <param name="sslPolicyErrors">The platform's verdict.</param>
    /// <param name="cancellationToken">Cancels the POSH retrieval.</param>
    public Task<CertificateValidationResult> ValidateAsync(
        string domain,
        PoshService service,
        X509Certificate? certificate,
        X509Chain? chain,
        SslPolicyErrors sslPolicyErrors,
        CancellationToken cancellationToken = default)
    {
        var normalized = DomainName.Parse(domain, nameof(domain)).Value;
        return IsMissing(certificate, sslPolicyErrors)
            ? Task.FromResult(NoCertificate(normalized, service))
            : ValidateCoreAsync(normalized, service, AsCertificate2(certificate), Intermediates(chain), cancellationToken);
    }

    /// <summary>
    /// Inbound s2s (XEP-0178, RFC 6120 §13.7.2.1): verifies the TLS client certificate of a peer server for the
    /// <c>from</c> domain of its stream header, with the xmpp-server service. With DNS configured
    /// (<see cref="PoshCertificateValidatorOptions.DnsServers"/>, or through <c>AddPoshClient</c>), DANE applies as for
    /// an outbound connection to that domain: its <c>_xmpp-server._tcp</c> SRV answer, and when that is secure the TLSA
    /// records of each target (RFC 7673 §3); a match in any accepts, usable records that all mismatch reject. A
    /// receiving server cannot prefetch (RFC 7711 §5), so this may retrieve POSH material; finish it before treating
    /// the peer as authenticated.
    /// </summary>
    /// <param name="fromDomain">The stream's <c>from</c> domain.</param>
    /// <param name="certificate">The peer's certificate (null when it presented none).</param>
    /// <param name="chain">The chain from the server-side TLS callback, if any.</param>
    /// <param name="cancellationToken">Cancels the POSH retrieval.</param>
    public Task<CertificateValidationResult> VerifyInboundAsync(
        string fromDomain,
        X509Certificate? certificate,
        X509Chain? chain,
        CancellationToken cancellationToken = default)
    {
        var normalized = DomainName.Parse(fromDomain, nameof(fromDomain)).Value;
        return certificate is null
            ? Task.FromResult(NoCertificate(normalized, PoshService.XmppServer))
            : VerifyInboundCoreAsync(normalized, AsCertificate2(certificate), Intermediates(chain), cancellationToken);
    }

    /// <summary>
    /// Piggybacking by assertion (RFC 7712 §4.4.1): a peer already authenticated on an inbound s2s stream sends a
    /// <c>db:result</c> for a further domain. If the certificate it presented on this stream proves that domain too
    /// (by DANE, PKIX or POSH, as <see cref="VerifyInboundAsync"/> decides), the further domain is accepted without
    /// dialback (XEP-0344 §2.4); otherwise the caller runs dialback for it as usual.
    /// </summary>
    /// <param name="furtherDomain">The <c>from</c> of the <c>db:result</c>.</param>
    /// <param name="certificate">The certificate the peer presented when the stream was secured.</param>
    /// <param name="chain">The chain from that handshake, if any.</param>
    /// <param name="cancellationToken">Cancels DNS and POSH retrieval.</param>
    public async Task<PiggybackDecision> VerifyPiggybackedInboundAsync(
        string furtherDomain,
        X509Certificate? certificate,
        X509Chain? chain,
        CancellationToken cancellationToken = default)
    {
        var result = await VerifyInboundAsync(furtherDomain, certificate, chain, cancellationToken).ConfigureAwait(false);
        return new PiggybackDecision
        {
            Domain = result.Domain,
            IsAllowed = result.IsAccepted,
            Reason = result.IsAccepted
                ? $"{result.Domain} may use the stream without dialback (RFC 7712 §4.4.1, XEP-0344): {result.Reason}"
                : $"{result.Domain} is not proven by the stream's certificate; verify it by dialback: {result.Reason}",
            Certificate = result,
        };
    }

    private async Task<CertificateValidationResult> VerifyInboundCoreAsync(string domain, X509Certificate2 leaf, IReadOnlyList<X509Certificate2> intermediates, CancellationToken cancellationToken)
    {
        var dane = Dns is null ? [] : await DaneLookup.ForDomainAsync(Dns, domain, PoshService.XmppServer, cancellationToken).ConfigureAwait(false);
        return await ValidateCoreAsync(domain, PoshService.XmppServer, leaf, intermediates, dane, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A synchronous callback for <see cref="SslClientAuthenticationOptions.RemoteCertificateValidationCallback"/>.
    /// It accepts by PKIX immediately; otherwise it consults POSH only if <see cref="Prefetch"/> was called for the
    /// pair, waiting at most <see cref="PoshCertificateValidatorOptions.CallbackPoshWait"/> for that lookup.
    /// </summary>
    /// <param name="domain">The XMPP domain.</param>
    /// <param name="service">The POSH service.</param>
    /// <param name="onDecision">Receives each decision, e.g. to log why a certificate was rejected.</param>
    public RemoteCertificateValidationCallback CreateCallback(string domain, PoshService service, Action<CertificateValidationResult>? onDecision = null)
    {
        var normalized = DomainName.Parse(domain, nameof(domain)).Value;
        return (_, certificate, chain, errors) =>
        {
            var result = ValidateSynchronously(normalized, service, certificate, chain, errors);
            onDecision?.Invoke(result);
            return result.IsAccepted;
        };
    }

    internal Task<CertificateValidationResult> ValidateCoreAsync(
        string domain,
        PoshService service,
        X509Certificate2 leaf,
        IReadOnlyList<X509Certificate2> intermediates,
        CancellationToken cancellationToken) =>
        ValidateCoreAsync(domain, service, leaf, intermediates, [], cancellationToken);

    /// <summary>The decision of RFC 7712 §7 for an awaiting caller: <see cref="Judge"/>, then POSH retrieved within <see cref="PoshCertificateValidatorOptions.PoshTimeout"/>.</summary>
    /// <param name="domain">The reference identity.</param>
    /// <param name="service">The POSH service and SRV-ID label.</param>
    /// <param name="leaf">The presented certificate.</param>
    /// <param name="intermediates">The rest of the presented chain.</param>
    /// <param name="dane">What DNS said about the endpoint(s); empty without SRV or DNS.</param>
    /// <param name="cancellationToken">Cancels the POSH retrieval.</param>
    internal async Task<CertificateValidationResult> ValidateCoreAsync(
        string domain,
        PoshService service,
        X509Certificate2 leaf,
        IReadOnlyList<X509Certificate2> intermediates,
        IReadOnlyList<DaneEndpoint> dane,
        CancellationToken cancellationToken)
    {
        var judgement = Judge(domain, service, leaf, intermediates, dane);
        if (judgement.Decided is { } decided)
        {
            return decided;
        }

        using var timeout = new CancellationTokenSource(_poshTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        PoshVerificationResult posh;
        try
        {
            posh = await _posh.VerifyAsync(domain, service, leaf, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            posh = TimedOut(domain, service, leaf, _poshTimeout);
        }

        return judgement.WithPosh(posh);
    }

    /// <summary>
    /// The decision of RFC 7712 §7 as this library orders it, written once for the awaiting and the synchronous callers:
    /// a DANE verdict stands (RFC 7673 §3: a usable TLSA set that mismatches is not rescued); otherwise PKIX stands when it
    /// passes or when what failed is validity or revocation (RFC 7711 §6: POSH never rescues those); only a chain or name
    /// failure leaves the decision to POSH, which the caller consults and hands to <see cref="Judgement.WithPosh"/>.
    /// </summary>
    private Judgement Judge(string domain, PoshService service, X509Certificate2 leaf, IReadOnlyList<X509Certificate2> intermediates, IReadOnlyList<DaneEndpoint> dane)
    {
        var delegated = dane.Select(e => e.DelegatedName).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var pkix = _pkix.Validate(domain, service, leaf, intermediates, delegated);
        var daneResult = _dane.Evaluate(dane, domain, service, leaf, intermediates, pkix);
        var judgement = new Judgement(domain, service, leaf, pkix, daneResult, Decided: null);
        if (daneResult.Outcome is DaneOutcome.Verified or DaneOutcome.Mismatch or DaneOutcome.Failed)
        {
            return judgement with { Decided = DecideByDane(domain, service, leaf, pkix, daneResult) };
        }

        return pkix.IsValid || !pkix.IsRescuableByPosh
            ? judgement with { Decided = Decide(domain, service, leaf, pkix, posh: null) with { Dane = daneResult } }
            : judgement;
    }

    /// <summary>Builds the DNS the public constructor uses for inbound DANE: only when servers are configured.</summary>
    private static DnsResolverLookup? CreateDns(PoshCertificateValidatorOptions? options, TimeProvider? timeProvider)
    {
        if (options is null || options.DnsServers.Count == 0)
        {
            return null;
        }

        var dns = DnsResolverOptionsFactory.Create(
            options.DnsServers, options.DnssecTrustedResolvers, options.TrustLoopbackDnssecResolvers, options.DnssecMode, options.DnssecTrustAnchors);
        return new DnsResolverLookup(new DnsResolver(dns, timeProvider));
    }

    private static CertificateValidationResult DecideByDane(string domain, PoshService service, X509Certificate2 leaf, PkixValidationResult pkix, DaneVerificationResult dane)
    {
        var accepted = dane.Outcome == DaneOutcome.Verified;
        return new CertificateValidationResult
        {
            ProofType = accepted ? CertificateProofType.Dane : CertificateProofType.None,
            Domain = domain,
            Service = service,
            Certificate = CertificateSummary.Create(leaf),
            Pkix = pkix,
            Dane = dane,
            Reason = accepted
                ? $"certificate for {domain} accepted by DANE: {dane.Reason}"
                : $"certificate for {domain} rejected by DANE (POSH not consulted): {dane.Reason}",
        };
    }

    /// <summary>The decision of RFC 7712 §7 for the synchronous TLS callback: <see cref="Judge"/>, then POSH only from a prefetched lookup.</summary>
    private CertificateValidationResult ValidateSynchronously(string domain, PoshService service, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (IsMissing(certificate, errors))
        {
            return NoCertificate(domain, service);
        }

        var leaf = AsCertificate2(certificate);
        var judgement = Judge(domain, service, leaf, Intermediates(chain), dane: []);
        return judgement.Decided ?? judgement.WithPosh(WaitForPrefetchedPosh(domain, service, leaf));
    }

    /// <summary>
    /// POSH for a caller that cannot await: only material <see cref="Prefetch"/> asked for, waited for at most
    /// <see cref="PoshCertificateValidatorOptions.CallbackPoshWait"/>.
    /// </summary>
    private PoshVerificationResult WaitForPrefetchedPosh(string domain, PoshService service, X509Certificate2 leaf)
    {
        if (!_prefetched.TryGetValue((domain, service), out var prefetchedAt) || !IsLive(prefetchedAt))
        {
            return new PoshVerificationResult
            {
                Outcome = PoshVerificationOutcome.NoPoshMaterial,
                Reason = $"not consulted: call Prefetch(\"{domain}\", {service}) before the TLS handshake so the synchronous callback has material",
                Domain = domain,
                Service = service,
                Certificate = leaf,
            };
        }

        // The TLS callback cannot await; block on the lookup Prefetch already started, bounded by CallbackPoshWait.
        using var timeout = new CancellationTokenSource(_poshTimeout, _timeProvider);
        var task = _posh.VerifyAsync(domain, service, leaf, timeout.Token);
        try
        {
#pragma warning disable MA0045, VSTHRD002, RS0030 // Deliberate: the platform callback is synchronous; the wait is bounded.
            if (task.Wait(_callbackWait))
            {
                return task.Result;
            }
#pragma warning restore MA0045, VSTHRD002, RS0030

            // Stop the lookup's wait for us; the verifier keeps (or caches) whatever it fetches for the next attempt.
            timeout.Cancel();
            return TimedOut(domain, service, leaf, _callbackWait);
        }
        catch (AggregateException ex) when (ex.InnerException is OperationCanceledException)
        {
            return TimedOut(domain, service, leaf, _poshTimeout);
        }
    }

    private static CertificateValidationResult Decide(string domain, PoshService service, X509Certificate2 leaf, PkixValidationResult pkix, PoshVerificationResult? posh)
    {
        var summary = CertificateSummary.Create(leaf);
        if (pkix.IsValid)
        {
            return new CertificateValidationResult
            {
                ProofType = CertificateProofType.Pkix,
                Domain = domain,
                Service = service,
                Certificate = summary,
                Pkix = pkix,
                Reason = $"certificate for {domain} accepted by PKIX: {pkix.Reason}",
            };
        }

        if (posh is null)
        {
            return new CertificateValidationResult
            {
                ProofType = CertificateProofType.None,
                Domain = domain,
                Service = service,
                Certificate = summary,
                Pkix = pkix,
                Reason = $"certificate for {domain} rejected: PKIX: {pkix.Reason} (POSH cannot rescue an expired or revoked certificate)",
            };
        }

        var accepted = posh.Outcome == PoshVerificationOutcome.VerifiedByPosh;
        return new CertificateValidationResult
        {
            ProofType = accepted ? CertificateProofType.Posh : CertificateProofType.None,
            Domain = domain,
            Service = service,
            Certificate = summary,
            Pkix = pkix,
            Posh = posh,
            Reason = accepted
                ? $"certificate for {domain} accepted by POSH ({posh.Reason}); PKIX alone would have failed: {pkix.Reason}"
                : $"certificate for {domain} rejected: PKIX: {pkix.Reason}; POSH: {Describe(posh.Outcome)} ({posh.Reason})",
        };
    }

    private static string Describe(PoshVerificationOutcome outcome) => outcome switch
    {
        PoshVerificationOutcome.NoPoshMaterial => "no material",
        PoshVerificationOutcome.InvalidMaterial => "invalid material",
        PoshVerificationOutcome.Mismatch => "fingerprint mismatch",
        PoshVerificationOutcome.CertificateNotValidNow => "certificate not valid now",
        _ => outcome.ToString(),
    };

    private static CertificateValidationResult NoCertificate(string domain, PoshService service) => new()
    {
        ProofType = CertificateProofType.None,
        Domain = domain,
        Service = service,
        Reason = $"certificate for {domain} rejected: the peer presented no certificate",
    };

    private static PoshVerificationResult TimedOut(string domain, PoshService service, X509Certificate2 leaf, TimeSpan after) => new()
    {
        Outcome = PoshVerificationOutcome.NoPoshMaterial,
        Reason = string.Create(CultureInfo.InvariantCulture, $"no result within {after.TotalSeconds:0.###} s"),
        Domain = domain,
        Service = service,
        Certificate = leaf,
    };

    private static bool IsMissing([NotNullWhen(false)] X509Certificate? certificate, SslPolicyErrors errors) =>
        certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable);

    private static X509Certificate2 AsCertificate2(X509Certificate certificate) =>
        certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());

    /// <summary>The certificates the peer sent beyond the leaf (in the policy's extra store) and any the platform found.</summary>
    internal static IReadOnlyList<X509Certificate2> Intermediates(X509Chain? chain)
    {
        if (chain is null)
        {
            return [];
        }

        var result = new List<X509Certificate2>();
        foreach (var certificate in chain.ChainPolicy.ExtraStore)
        {
            result.Add(certificate);
        }

        for (var i = 1; i < chain.ChainElements.Count; i++)
        {
            result.Add(chain.ChainElements[i].Certificate);
        }

        return result;
    }

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max, string name) =>
        value >= min && value <= max
            ? value
            : throw new ArgumentOutOfRangeException(name, value, string.Create(CultureInfo.InvariantCulture, $"{name} must be between {min} and {max}."));

    /// <summary>What DANE and PKIX decided; <see cref="Decided"/> is null when the decision is POSH's.</summary>
    private sealed record Judgement(
        string Domain,
        PoshService Service,
        X509Certificate2 Leaf,
        PkixValidationResult Pkix,
        DaneVerificationResult Dane,
        CertificateValidationResult? Decided)
    {
        /// <summary>The decision once POSH has answered (RFC 7711 §3.3): accepted only by a fingerprint match.</summary>
        public CertificateValidationResult WithPosh(PoshVerificationResult posh) =>
            Decide(Domain, Service, Leaf, Pkix, posh) with { Dane = Dane };
    }
}

using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using PoshClient.Dane;
using PoshClient.Dns;
using PoshClient.Documents;
using PoshClient.Names;
using PoshClient.Verification;
using PoshServer.Metrics;
using PoshServer.Posh;
using PoshServer.Tenants;

namespace PoshServer.TenantChecks;

/// <summary>
/// Checks one tenant's set-up as its peers see it (interop §5.4–5.5, S-18): SRV records point at the hoster's XMPP
/// hosts; the tenant's well-known document, fetched exactly as a client would, delegates to us; the live XMPP endpoint
/// presents a certificate we publish; whether the SRV answer is DNSSEC-secure and the TLSA set of its target matches
/// the live certificate (RFC 7673, RFC 7712 §5.1, §6). Then judges the result for each known verifier.
/// </summary>
internal sealed class TenantChecker(
    TenantStore store,
    DnsResolver dns,
    PoshVerifier verifier,
    ILiveCertificateProbe liveProbe,
    IOptions<TenantChecksOptions> options,
    IOptions<PoshOptions> poshOptions,
    TenantCheckResults results,
    PoshMetrics metrics,
    TimeProvider timeProvider)
{
    /// <summary>Conversations caps POSH bodies at 10,000 bytes (interop §1.2).</summary>
    public const int ConversationsMaxBytes = 10_000;

    /// <summary>A reference expires longer than this slows the tenant's own changes (S-13: about 86400).</summary>
    private const long LongReferenceExpires = 7 * 86_400;

    public async Task<TenantCheckResult?> CheckAsync(string domain, CancellationToken cancellationToken = default)
    {
        return store.Current.TryGetTenant(domain, out var entry) ? await CheckAsync(entry, cancellationToken) : null;
    }

    public async Task<TenantCheckResult> CheckAsync(TenantEntry entry, CancellationToken cancellationToken = default)
    {
        var started = timeProvider.GetTimestamp();
        using var timeout = new CancellationTokenSource(options.Value.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var findings = new List<CheckFinding>();
        var domain = entry.Tenant.Domain;
        var published = entry.Certificates.Select(c => c.Sha256).ToHashSet(StringComparer.Ordinal);
        foreach (var service in entry.Tenant.Services)
        {
            try
            {
                findings.AddRange(await CheckSrvAsync(domain, service, linked.Token));
                findings.AddRange(await CheckWebAsync(entry, service, published, linked.Token));
                findings.AddRange(await CheckLiveAsync(domain, service, published, linked.Token));
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                findings.Add(Finding(CheckArea.Web, service, CheckVerdict.NotChecked, string.Create(CultureInfo.InvariantCulture, $"the checks did not finish within {options.Value.Timeout.TotalSeconds:0} s"), null));
            }
        }

        var verdicts = Enum.GetValues<KnownVerifier>().Select(v => Judge(v, entry.Tenant, findings)).ToList();
        var result = new TenantCheckResult
        {
            Domain = domain,
            CheckedAt = timeProvider.GetUtcNow(),
            Overall = verdicts.First(v => v.Verifier == KnownVerifier.PoshClient).Verdict,
            Verdicts = verdicts,
            Findings = findings,
        };
        results.Set(result);
        metrics.TenantChecked(result.Overall.ToString(), timeProvider.GetElapsedTime(started));
        return result;
    }

    private async Task<IEnumerable<CheckFinding>> CheckSrvAsync(string domain, PoshService service, CancellationToken cancellationToken)
    {
        var hosts = options.Value.XmppHosts.Select(h => DomainName.TryParse(h, out var host) ? host.Value : h).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var name = service.ToName();
        if (hosts.Count == 0)
        {
            return [Finding(CheckArea.Srv, service, CheckVerdict.NotChecked, "no hoster XMPP hosts are configured, so SRV records are not checked", "Set TenantChecks:XmppHosts to the XMPP servers' host names.")];
        }

        // RFC 6120 §3.2.1 (STARTTLS) and XEP-0368 (direct TLS).
        var suffix = service == PoshService.XmppClient ? "client" : "server";
        string[] names = [$"_xmpp-{suffix}._tcp.{domain}", $"_xmpps-{suffix}._tcp.{domain}"];
        var targets = new List<(string Name, SrvRecord Record)>();
        var failures = new List<string>();
        foreach (var srvName in names)
        {
            var answer = await dns.ResolveSrvAsync(srvName, cancellationToken);
            if (answer.Status == DnsResponseStatus.Success)
            {
                targets.AddRange(answer.Records.Where(r => !string.Equals(r.Target, ".", StringComparison.Ordinal)).Select(r => (srvName, r)));
            }
            else if (answer.Status is not (DnsResponseStatus.NoData or DnsResponseStatus.NameError))
            {
                failures.Add($"{srvName}: {answer.Status} {answer.Detail}".Trim());
            }
        }

        var expected = string.Join(", ", hosts.Order(StringComparer.Ordinal));
        var port = service == PoshService.XmppClient ? 5222 : 5269;
        if (targets.Count == 0)
        {
            if (failures.Count > 0)
            {
                return [Finding(CheckArea.Srv, service, CheckVerdict.NotChecked, "SRV lookup failed: " + string.Join("; ", failures), "Check the tenant's DNS servers.")];
            }

            return hosts.Contains(domain)
                ? [Finding(CheckArea.Srv, service, CheckVerdict.Pass, $"no SRV records; {domain} itself is one of our XMPP hosts", null)]
                : [Finding(CheckArea.Srv, service, CheckVerdict.Fail, $"no SRV records for {name}: peers connect to {domain} itself, which is not one of our XMPP hosts ({expected})", string.Create(CultureInfo.InvariantCulture, $"Add '{names[0]}. SRV 0 5 {port} {hosts.Order(StringComparer.Ordinal).First()}.'"))];
        }

        var elsewhere = targets.Where(t => !(DomainName.TryParse(t.Record.Target, out var target) && hosts.Contains(target.Value))).ToList();
        if (elsewhere.Count > 0)
        {
            var list = string.Join(", ", elsewhere.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Name} → {t.Record.Target}:{t.Record.Port}")));
            return [Finding(CheckArea.Srv, service, CheckVerdict.Fail, $"SRV records point elsewhere: {list}; our XMPP hosts are {expected}", $"Point the SRV records at {expected}, or remove the tenant if it moved away.")];
        }

        return [Finding(CheckArea.Srv, service, CheckVerdict.Pass, "SRV records point at our XMPP hosts: " + string.Join(", ", targets.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Record.Target}:{t.Record.Port}")).Distinct(StringComparer.OrdinalIgnoreCase)), null)];
    }

    private async Task<IEnumerable<CheckFinding>> CheckWebAsync(TenantEntry entry, PoshService service, HashSet<string> published, CancellationToken cancellationToken)
    {
        var domain = entry.Tenant.Domain;
        var ours = poshOptions.Value.TenantDocumentUrl(domain, service.ToName());
        var referenceUrl = new Uri(poshOptions.Value.PublicBaseUrl!, $"/posh/{domain}/reference/{service.ToName()}.json");
        var wellKnown = $"https://{domain}{service.WellKnownPath()}";
        var lookup = await verifier.LookupAsync(domain, service, bypassCache: true, cancellationToken);
        var findings = new List<CheckFinding>();
        var trace = lookup.Trace;
        var serveReference = $"Save {referenceUrl} as {wellKnown} (served with 200, no redirect).";

        // The first chain: the source domain's redirects up to its first document (RFC 7711 §10).
        var sourceRedirects = trace.TakeWhile(s => s.StatusCode is >= 300 and < 400).ToList();
        if (sourceRedirects.Count > 0 && lookup.Status != PoshLookupStatus.RedirectRejected)
        {
            findings.Add(Finding(CheckArea.Web, service, CheckVerdict.Fail, $"{wellKnown} redirects ({string.Join(" → ", sourceRedirects.Select(s => s.ToString()))}); Prosody's module does not follow HTTP redirects", serveReference + " Prosody peers need the document itself.", KnownVerifier.Prosody));
        }

        if (!lookup.IsFound)
        {
            var (message, fix) = lookup.Status switch
            {
                PoshLookupStatus.NotFound when trace.Count > 1 && trace[^1].Url != trace[0].Url && IsOurs(trace[^1].Url, ours) =>
                    ($"the delegation reaches our URL, but it answers 404: the tenant is disabled here or does not offer {service.ToName()}", "Enable the tenant or add the service in its YAML file."),
                PoshLookupStatus.NotFound when trace.Any(s => s.Outcome.StartsWith("reference to", StringComparison.Ordinal)) =>
                    ($"the reference points at {ReferencedUrl(trace)}, which answers 404; ours is {ours}", serveReference),
                PoshLookupStatus.NotFound => ($"no POSH document: {wellKnown} answers 404 (the reference file is missing)", serveReference),
                PoshLookupStatus.Unreachable => ($"{wellKnown} cannot be fetched with a valid certificate: {lookup.Reason}", $"Serve https://{domain}/ with a CA-valid, unexpired certificate for {domain} (RFC 7711 §3 requires it)."),
                PoshLookupStatus.RedirectRejected => ($"a redirect that POSH clients refuse: {lookup.Reason}", "Redirect only to https URLs (302/307), or better serve the reference file directly. " + serveReference),
                PoshLookupStatus.TooLarge => ($"the document is too large: {lookup.Reason}", serveReference),
                _ => ($"no usable POSH material ({lookup.Status}): {lookup.Reason}", serveReference),
            };
            findings.Add(Finding(CheckArea.Web, service, CheckVerdict.Fail, message, fix));
            return findings;
        }

        var document = lookup.Document!;
        var referenceIndex = trace.ToList().FindIndex(s => s.Outcome.StartsWith("reference to", StringComparison.Ordinal));
        var offered = document.Fingerprints
            .Select(f => f.Hashes.TryGetValue(PoshHashAlgorithm.Sha256, out var hash) ? Convert.ToBase64String(hash.AsSpan()) : null)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        var missing = published.Where(p => !offered.Contains(p)).ToList();
        if (referenceIndex >= 0)
        {
            // Prosody's module never follows references (interop §1.1: inverted condition).
            findings.Add(Finding(CheckArea.Web, service, service == PoshService.XmppServer ? CheckVerdict.Fail : CheckVerdict.Pass, "the tenant publishes a reference; Prosody's module never follows references", "For Prosody peers, reverse-proxy /.well-known/posh/ to us or serve a synchronised copy of the document instead.", KnownVerifier.Prosody));
            var referenced = ReferencedUrl(trace);
            if (referenced is not null && !IsOurs(referenced, ours))
            {
                findings.Add(Finding(CheckArea.Web, service, missing.Count == 0 ? CheckVerdict.Warn : CheckVerdict.Fail, $"the reference points at {referenced}, not at our URL {ours}" + (missing.Count == 0 ? "; its fingerprints match ours today" : ", and its fingerprints do not match ours"), serveReference));
            }
            else if (missing.Count == 0)
            {
                findings.Add(Finding(CheckArea.Web, service, CheckVerdict.Pass, $"{wellKnown} delegates to {ours}", null));
            }

            if (trace[referenceIndex].Expires is > LongReferenceExpires and var expires)
            {
                findings.Add(Finding(CheckArea.Web, service, CheckVerdict.Warn, string.Create(CultureInfo.InvariantCulture, $"the reference's expires is {expires} s; changes to the delegation take that long to reach peers"), serveReference));
            }
        }
        else
        {
            // A proxied copy or a reverse proxy: the fingerprints themselves must be ours, kept in sync (S-17 b).
            var stale = missing.Count > 0 && missing.Count < published.Count;
            if (missing.Count == 0)
            {
                findings.Add(Finding(CheckArea.Web, service, CheckVerdict.Pass, $"{wellKnown} serves our fingerprints directly (reverse proxy or copy)", null));
            }
            else
            {
                findings.Add(Finding(
                    CheckArea.Web,
                    service,
                    stale ? CheckVerdict.Warn : CheckVerdict.Fail,
                    stale
                        ? $"{wellKnown} is a copy that lacks {missing.Count} of our published certificate(s): it breaks at the next rotation"
                        : $"{wellKnown} serves fingerprints, none of which we publish for {domain}",
                    $"Reverse-proxy /.well-known/posh/ to {ours}, or sync the copy from it after every change."));
            }
        }

        if (lookup.EffectiveExpires is { } effective && effective > entry.Tenant.Expires && referenceIndex < 0)
        {
            findings.Add(Finding(CheckArea.Web, service, CheckVerdict.Warn, string.Create(CultureInfo.InvariantCulture, $"the copy's expires is {effective} s, longer than ours ({entry.Tenant.Expires} s): rotation assumes clients cache at most ours"), "Serve our document unchanged."));
        }

        var largest = trace.Count == 0 ? 0 : trace.Max(s => s.Bytes);
        if (largest >= ConversationsMaxBytes)
        {
            findings.Add(Finding(CheckArea.Web, service, CheckVerdict.Fail, string.Create(CultureInfo.InvariantCulture, $"a document is {largest} bytes; Conversations reads at most {ConversationsMaxBytes}"), "Publish fewer certificates (retire replaced ones) and serve our document unchanged.", KnownVerifier.Conversations));
        }

        if (document.Fingerprints.Any(f => !f.Hashes.ContainsKey(PoshHashAlgorithm.Sha256)))
        {
            findings.Add(Finding(CheckArea.Web, service, CheckVerdict.Fail, "a descriptor has no sha-256; Conversations then discards the whole document", "Put sha-256 in every descriptor (S-9).", KnownVerifier.Conversations));
        }

        if (document.Fingerprints.Any(f => !f.Hashes.ContainsKey(PoshHashAlgorithm.Sha256) && !f.Hashes.ContainsKey(PoshHashAlgorithm.Sha512)))
        {
            findings.Add(Finding(CheckArea.Web, service, CheckVerdict.Warn, "a descriptor has neither sha-256 nor sha-512; xmpp-proxy ignores it", "Put sha-256 (and sha-512) in every descriptor.", KnownVerifier.XmppProxy));
        }

        return findings;
    }

    private async Task<IEnumerable<CheckFinding>> CheckLiveAsync(string domain, PoshService service, HashSet<string> published, CancellationToken cancellationToken)
    {
        var probe = await liveProbe.ProbeAsync(domain, service, cancellationToken);
        var dane = DaneFinding(service, probe);
        if (!probe.Checked)
        {
            return [Finding(CheckArea.Live, service, CheckVerdict.NotChecked, probe.Reason, null), .. dane];
        }

        if (probe.PresentedSha256 is null)
        {
            return [Finding(CheckArea.Live, service, CheckVerdict.Fail, $"the XMPP endpoint {probe.Endpoint} did not present a certificate: {probe.Reason}", "Check that the XMPP servers run and accept connections for the tenant.")];
        }

        return published.Contains(probe.PresentedSha256)
            ? [Finding(CheckArea.Live, service, CheckVerdict.Pass, $"{probe.Endpoint} presents {probe.PresentedSha256}, which we publish", null), .. dane]
            : [Finding(CheckArea.Live, service, CheckVerdict.Fail, $"{probe.Endpoint} presents {probe.PresentedSha256}, which we do not publish for {domain}", "Add that certificate to the tenant's certificate set (or its next slot), or deploy the published certificate on that server."), .. dane];
    }

    /// <summary>
    /// What DANE peers (PoshClient, Prosody 13, a client that trusts its resolver's AD bit) conclude: whether the SRV
    /// answer is secure, and whether the TLSA set at its target exists and matches the live certificate.
    /// </summary>
    internal static List<CheckFinding> DaneFinding(PoshService service, LiveProbeResult probe)
    {
        if (probe.Dane is not { } dane)
        {
            return [];
        }

        var srv = "SRV answer DNSSEC " + dane.SrvDnssec.ToString().ToLowerInvariant();
        var names = dane.TlsaNames.Count == 0 ? "the SRV target" : string.Join(", ", dane.TlsaNames);
        return dane.Outcome switch
        {
            DaneOutcome.Verified => [Finding(CheckArea.Dane, service, CheckVerdict.Pass, $"{srv}; TLSA {names} matches the live certificate ({dane.MatchedRecord})", null)],
            DaneOutcome.Mismatch => [Finding(CheckArea.Dane, service, CheckVerdict.Fail, $"{srv}; TLSA {names} does not match the live certificate, so DANE peers reject it whatever POSH says: {dane.Reason}", $"Publish the 3 1 1 record of the deployed key at {names} (certificates rotation lists the next key's), or remove the stale records.")],
            DaneOutcome.Failed => [Finding(CheckArea.Dane, service, CheckVerdict.Fail, $"DNSSEC validation failed: {dane.Reason}", "Re-sign the zone (expired or broken signatures); DANE peers will not connect until it validates.")],
            DaneOutcome.NoUsableRecords => [Finding(CheckArea.Dane, service, CheckVerdict.Pass, $"{srv} (secure delegation applies); no usable TLSA records at {names}: {dane.Reason}", null)],
            _ => [Finding(CheckArea.Dane, service, CheckVerdict.NotApplicable, $"{srv}: {dane.Reason}", null)],
        };
    }

    /// <summary>The worst finding that concerns this verifier, over the services it checks.</summary>
    private static VerifierVerdict Judge(KnownVerifier verifier, Tenant tenant, List<CheckFinding> findings)
    {
        var services = tenant.Services.Where(s => Checks(verifier, s)).Select(s => s.ToName()).ToHashSet(StringComparer.Ordinal);
        if (services.Count == 0)
        {
            var only = verifier == KnownVerifier.Prosody ? "s2s (xmpp-server)" : "c2s (xmpp-client)";
            return new VerifierVerdict { Verifier = verifier, Verdict = CheckVerdict.NotApplicable, Reason = $"{verifier} only checks {only}, which this tenant does not offer" };
        }

        var relevant = findings.Where(f => services.Contains(f.Service) && f.Affects(verifier)).ToList();
        var worst = relevant.Count == 0 ? CheckVerdict.Pass : relevant.Max(f => f.Verdict);
        if (worst == CheckVerdict.NotApplicable)
        {
            worst = CheckVerdict.Pass;
        }

        var decisive = relevant.Where(f => f.Verdict == worst).ToList();
        return new VerifierVerdict
        {
            Verifier = verifier,
            Verdict = worst,
            Reason = worst == CheckVerdict.Pass ? "every check passed" : string.Join("; ", decisive.Select(f => $"{f.Service}: {f.Message}")),
            Fix = decisive.Select(f => f.Fix).FirstOrDefault(f => f is not null),
        };
    }

    private static bool Checks(KnownVerifier verifier, PoshService service) => verifier switch
    {
        KnownVerifier.Prosody => service == PoshService.XmppServer,
        KnownVerifier.Conversations => service == PoshService.XmppClient,
        _ => true,
    };

    private static Uri? ReferencedUrl(IReadOnlyList<PoshFetchStep> trace)
    {
        // The request after the reference step is the referenced URL (RFC 7711 §3.2: one hop).
        for (var i = 0; i < trace.Count - 1; i++)
        {
            if (trace[i].Outcome.StartsWith("reference to", StringComparison.Ordinal))
            {
                return trace[i + 1].Url;
            }
        }

        return null;
    }

    private static bool IsOurs(Uri url, Uri ours) =>
        string.Equals(url.Host, ours.Host, StringComparison.OrdinalIgnoreCase)
        && url.Port == ours.Port
        && string.Equals(url.AbsolutePath, ours.AbsolutePath, StringComparison.OrdinalIgnoreCase);

    private static CheckFinding Finding(CheckArea area, PoshService service, CheckVerdict verdict, string message, string? fix, params KnownVerifier[] verifiers) =>
        new() { Area = area, Service = service.ToName(), Verdict = verdict, Message = message, Fix = fix, Verifiers = [.. verifiers] };
}

using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using PoshClient.Dns;
using PoshClient.Documents;
using PoshClient.Pkix;

namespace PoshClient.Dane;

/// <summary>
/// The DANE prooftype (RFC 7712 §5.1): the TLSA records of the endpoint(s), as RFC 7673 locates them, matched against
/// the presented certificate with each usage's rules (RFC 6698 §2.1.1, RFC 7671 §5):
/// <list type="bullet">
/// <item>DANE-EE (3): the leaf certificate or key matches; names and validity dates are not checked (RFC 7671 §5.1).</item>
/// <item>DANE-TA (2): a certificate the server sent matches and is the trust anchor of a valid path to the leaf,
/// and the leaf names the domain or the securely delegated SRV target (RFC 7671 §5.2, RFC 7673 §4.1).</item>
/// <item>PKIX-EE (1) / PKIX-TA (0): PKIX succeeds, and the leaf, respectively a CA certificate of the path, matches
/// (RFC 6698 §2.1.1).</item>
/// </list>
/// Unusable records (RFC 7671 §4.1) are ignored; when none is usable DANE gives way to PKIX and POSH.
/// </summary>
internal sealed class DaneMatcher(TimeProvider timeProvider)
{
    public DaneVerificationResult Evaluate(
        IReadOnlyList<DaneEndpoint> endpoints,
        string domain,
        PoshService service,
        X509Certificate2 leaf,
        IReadOnlyList<X509Certificate2> intermediates,
        PkixValidationResult pkix)
    {
        var delegated = endpoints.Select(e => e.DelegatedName).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var srvDnssec = endpoints.Any(e => e.SrvDnssec == DnssecStatus.Secure) ? DnssecStatus.Secure
            : endpoints.FirstOrDefault(e => e.Target is not null)?.SrvDnssec ?? DnssecStatus.Insecure;
        var consulted = endpoints.Where(e => e.Tlsa is not null).ToList();
        var names = consulted.Select(e => e.Tlsa!.Name).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var allRecords = consulted.Where(e => e.Tlsa!.Status == DnsResponseStatus.Success).SelectMany(e => e.Tlsa!.Records).ToList();
        var tlsaDnssec = consulted.Count == 0 ? DnssecStatus.Insecure
            : consulted.Any(e => e.Tlsa!.Dnssec == DnssecStatus.Bogus) ? DnssecStatus.Bogus
            : consulted.All(e => e.Tlsa!.Dnssec == DnssecStatus.Secure) ? DnssecStatus.Secure
            : consulted.Select(e => e.Tlsa!.Dnssec).First(s => s != DnssecStatus.Secure);
        DaneVerificationResult Result(DaneOutcome outcome, string reason, TlsaRecord? matched = null) => new()
        {
            Outcome = outcome,
            Reason = reason,
            TlsaNames = names,
            SrvDnssec = srvDnssec,
            TlsaDnssec = tlsaDnssec,
            Records = allRecords,
            MatchedRecord = matched,
            DelegatedNames = delegated,
        };

        var usableSets = consulted.Where(e => e.Tlsa is { Status: DnsResponseStatus.Success, Dnssec: DnssecStatus.Secure }).ToList();
        var mismatches = new List<string>();
        var unusable = new List<string>();
        foreach (var endpoint in usableSets)
        {
            foreach (var record in endpoint.Tlsa!.Records)
            {
                if (TlsaRecords.Unusable(record) is { } why)
                {
                    unusable.Add($"{record} ({why})");
                    continue;
                }

                var failure = Check(record, domain, service, leaf, intermediates, pkix, delegated);
                if (failure is null)
                {
                    return Result(DaneOutcome.Verified, $"TLSA {endpoint.Tlsa.Name} (DNSSEC secure): {Describe(record)} matched the presented certificate", record);
                }

                mismatches.Add($"{record}: {failure}");
            }
        }

        // RFC 7673 §3.2: a TLSA lookup that failed (bogus, SERVFAIL, time-out) where DANE applies forbids the endpoint.
        var failed = endpoints.Where(e => e.IsFailed).ToList();
        if (failed.Count > 0)
        {
            return Result(DaneOutcome.Failed, "TLSA lookup failed where DANE applies (RFC 7673 §3.2): "
                + string.Join("; ", failed.Select(e => e.FailureDetail)));
        }

        if (mismatches.Count > 0)
        {
            return Result(DaneOutcome.Mismatch, $"usable TLSA records at {string.Join(", ", names)} (DNSSEC secure) and none matches, "
                + $"so neither PKIX nor POSH may accept the certificate (RFC 6698 §4.1): {string.Join("; ", mismatches)}");
        }

        if (unusable.Count > 0)
        {
            return Result(DaneOutcome.NoUsableRecords, $"TLSA {string.Join(", ", names)} (DNSSEC secure) has only unusable records, "
                + $"treated as none (RFC 7671 §4.1): {string.Join("; ", unusable)}");
        }

        if (consulted.Count > 0 && consulted.All(e => e.Tlsa!.Dnssec == DnssecStatus.Secure))
        {
            return Result(DaneOutcome.NoUsableRecords, $"no TLSA records at {string.Join(", ", names)} (secure denial): DANE does not apply");
        }

        var why2 = endpoints.Count == 0 || endpoints.All(e => e.Target is null) ? "no SRV records (RFC 7712 §5.1: fall back as RFC 6120 says)"
            : srvDnssec != DnssecStatus.Secure ? $"the SRV answer is DNSSEC {Lower(srvDnssec)}"
            : consulted.Count == 0 ? "the SRV target's address answer is not DNSSEC-secure (RFC 7673 §3.2)"
            : $"the TLSA answer is DNSSEC {Lower(tlsaDnssec)}";
        return Result(DaneOutcome.NotApplicable, "DANE not applicable: " + why2);
    }

    private static string Lower(DnssecStatus status) => status.ToString().ToLowerInvariant();

    private static string Describe(TlsaRecord record)
    {
        var usage = record.Usage switch
        {
            TlsaRecords.PkixTa => "PKIX-TA",
            TlsaRecords.PkixEe => "PKIX-EE",
            TlsaRecords.DaneTa => "DANE-TA",
            _ => "DANE-EE",
        };
        return string.Create(CultureInfo.InvariantCulture, $"{usage} {record}");
    }

    /// <summary>Null when <paramref name="record"/> accepts the certificate; otherwise why not.</summary>
    private string? Check(
        TlsaRecord record,
        string domain,
        PoshService service,
        X509Certificate2 leaf,
        IReadOnlyList<X509Certificate2> intermediates,
        PkixValidationResult pkix,
        IReadOnlyList<string> delegated)
    {
        switch (record.Usage)
        {
            case TlsaRecords.DaneEe:
                // RFC 7671 §5.1: the key is the identity; expiry and names are deliberately not checked.
                return Matches(record, leaf) ? null : "the presented certificate does not match";
            case TlsaRecords.PkixEe:
                if (!Matches(record, leaf))
                {
                    return "the presented certificate does not match";
                }

                return pkix.IsValid ? null : "matches, but PKIX-EE also requires PKIX validation, which failed: " + pkix.Reason;
            case TlsaRecords.PkixTa:
                if (!pkix.IsValid)
                {
                    return "PKIX-TA requires PKIX validation, which failed: " + pkix.Reason;
                }

                return intermediates.Any(c => Matches(record, c)) ? null : "no CA certificate the server sent matches";
            default:
                return CheckDaneTa(record, domain, service, leaf, intermediates, delegated);
        }
    }

    private string? CheckDaneTa(TlsaRecord record, string domain, PoshService service, X509Certificate2 leaf, IReadOnlyList<X509Certificate2> intermediates, IReadOnlyList<string> delegated)
    {
        // RFC 7671 §5.2.2: the server must send the trust anchor in its chain; a digest can only match what was sent.
        var anchor = intermediates.FirstOrDefault(c => Matches(record, c));
        if (anchor is null)
        {
            return "no certificate in the server's chain matches the trust anchor";
        }

        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            VerificationTime = timeProvider.GetUtcNow().UtcDateTime,
            VerificationTimeIgnored = false,
        };
        policy.CustomTrustStore.Add(anchor);
        foreach (var certificate in intermediates.Where(c => !ReferenceEquals(c, anchor)))
        {
            policy.ExtraStore.Add(certificate);
        }

        using var chain = new X509Chain { ChainPolicy = policy };
        try
        {
            if (!chain.Build(leaf))
            {
                var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct());
                return $"no valid path from the leaf to the DANE-TA anchor '{anchor.Subject}' ({status})";
            }
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }

        // RFC 7671 §5.2.2 and RFC 7673 §4.1: under DANE-TA the leaf must name the service domain or the secure SRV target.
        var presented = SubjectAltNameReader.Read(leaf);
        return IdentityMatcher.FindMatch(domain, service, presented) is not null || PkixValidator.FindDelegatedMatch(delegated, presented) is not null
            ? null
            : $"the path to the DANE-TA anchor is valid, but the certificate names {presented.Describe()}, not {string.Join(" or ", delegated.Prepend(domain))}";
    }

    private static bool Matches(TlsaRecord record, X509Certificate2 certificate) =>
        TlsaRecords.AssociationData(certificate, record.Selector, record.MatchingType) is { } data && data.AsSpan().SequenceEqual([.. record.Data]);
}

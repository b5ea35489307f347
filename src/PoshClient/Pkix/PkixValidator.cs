using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using PoshClient.Documents;

namespace PoshClient.Pkix;

/// <summary>
/// The PKIX prooftype (RFC 6120 §13.7.2): builds the chain with a configurable policy (trust store, revocation)
/// and matches the domain against the presented identifiers. The platform's own verdict in the TLS callback is
/// not used, because it applies the system trust store and its own name rules.
/// </summary>
internal sealed class PkixValidator
{
    // Soft-fail on revocation information that cannot be fetched, as browsers do: an offline CRL/OCSP responder
    // must not make every connection fail.
    private const X509ChainStatusFlags IgnoredStatus =
        X509ChainStatusFlags.NoError | X509ChainStatusFlags.RevocationStatusUnknown | X509ChainStatusFlags.OfflineRevocation;

    private readonly X509ChainPolicy _policy;
    private readonly TimeProvider _timeProvider;

    public PkixValidator(X509ChainPolicy? policy, TimeProvider timeProvider)
    {
        _policy = policy?.Clone() ?? new X509ChainPolicy { RevocationMode = X509RevocationMode.Online, RevocationFlag = X509RevocationFlag.ExcludeRoot };
        _timeProvider = timeProvider;
    }

    /// <summary>Checks chain and identity; never throws for a bad certificate.</summary>
    /// <param name="domain">Normalized reference domain.</param>
    /// <param name="service">Selects the SRV-ID service label.</param>
    /// <param name="leaf">The presented end-entity certificate.</param>
    /// <param name="intermediates">Further certificates the peer sent, used only to build the path.</param>
    /// <param name="delegatedNames">
    /// SRV targets from a DNSSEC-secure SRV answer: further reference identities (DNS-IDs) under secure delegation
    /// (RFC 7712 §6, RFC 7673 §4.1). Empty unless the SRV answer was validated.
    /// </param>
    public PkixValidationResult Validate(string domain, PoshService service, X509Certificate2 leaf, IEnumerable<X509Certificate2> intermediates, IReadOnlyList<string>? delegatedNames = null)
    {
        var failures = PkixFailures.None;
        var reasons = new List<string>();
        CheckChain(leaf, intermediates, ref failures, reasons);

        var presented = SubjectAltNameReader.Read(leaf);
        var match = IdentityMatcher.FindMatch(domain, service, presented) ?? FindDelegatedMatch(delegatedNames, presented);
        if (match is null)
        {
            failures |= PkixFailures.NameMismatch;
            var expected = delegatedNames is { Count: > 0 } ? $"{domain} or its securely delegated SRV target {string.Join(", ", delegatedNames)}" : domain;
            reasons.Add($"name mismatch (certificate names {presented.Describe()}; expected {expected})");
        }

        return new PkixValidationResult
        {
            Failures = failures,
            Domain = domain,
            Presented = presented,
            MatchedIdentifier = match,
            Reason = failures == PkixFailures.None ? $"chain trusted and {match} matches {domain}" : string.Join("; ", reasons),
        };
    }

    /// <summary>RFC 7673 §4.1: with a secure SRV answer the target host name is a DNS-ID reference identity too.</summary>
    internal static string? FindDelegatedMatch(IReadOnlyList<string>? delegatedNames, PresentedIdentifiers presented)
    {
        foreach (var target in delegatedNames ?? [])
        {
            var dnsName = presented.DnsNames.FirstOrDefault(n => IdentityMatcher.MatchesDnsId(target, n));
            if (dnsName is not null)
            {
                return $"DNS-ID {dnsName} (the DNSSEC-secure SRV target {target}, RFC 7673 §4.1)";
            }
        }

        return null;
    }

    private void CheckChain(X509Certificate2 leaf, IEnumerable<X509Certificate2> intermediates, ref PkixFailures failures, List<string> reasons)
    {
        var policy = _policy.Clone();
        policy.VerificationTime = _timeProvider.GetUtcNow().UtcDateTime;
        policy.VerificationTimeIgnored = false;
        foreach (var certificate in intermediates)
        {
            policy.ExtraStore.Add(certificate);
        }

        using var chain = new X509Chain { ChainPolicy = policy };
        chain.Build(leaf);
        try
        {
            var elements = chain.ChainElements;
            for (var i = 0; i < elements.Count; i++)
            {
                var element = elements[i];
                foreach (var status in element.ChainElementStatus)
                {
                    Classify(status.Status, i == 0, i == elements.Count - 1, element.Certificate, ref failures, reasons);
                }
            }

            // Chain-level status (e.g. PartialChain) not attached to an element.
            foreach (var status in chain.ChainStatus)
            {
                if (status.Status.HasFlag(X509ChainStatusFlags.PartialChain) && !failures.HasFlag(PkixFailures.UntrustedRoot))
                {
                    failures |= PkixFailures.UntrustedRoot;
                    var top = elements.Count > 0 ? elements[^1].Certificate.Subject : leaf.Subject;
                    reasons.Add($"untrusted root (no path from '{top}' to a trusted root: missing intermediate or unknown issuer)");
                }
            }
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }
    }

    private static void Classify(X509ChainStatusFlags status, bool isLeaf, bool isTop, X509Certificate2 certificate, ref PkixFailures failures, List<string> reasons)
    {
        if ((status & ~IgnoredStatus) == X509ChainStatusFlags.NoError)
        {
            return;
        }

        if (status.HasFlag(X509ChainStatusFlags.UntrustedRoot) || status.HasFlag(X509ChainStatusFlags.PartialChain))
        {
            if (!failures.HasFlag(PkixFailures.UntrustedRoot))
            {
                failures |= PkixFailures.UntrustedRoot;
                reasons.Add(isLeaf && isTop
                    ? $"untrusted root (self-signed '{certificate.Subject}' is not a trusted root)"
                    : $"untrusted root ('{certificate.Subject}' is not a trusted root)");
            }

            status &= ~(X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain);
        }

        if (status.HasFlag(X509ChainStatusFlags.NotTimeValid))
        {
            var when = string.Create(CultureInfo.InvariantCulture, $"valid {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u}");
            if (isLeaf)
            {
                failures |= PkixFailures.NotTimeValid;
                reasons.Add($"certificate expired or not yet valid ({when})");
            }
            else
            {
                failures |= PkixFailures.InvalidChain;
                reasons.Add($"issuer '{certificate.Subject}' expired or not yet valid ({when})");
            }

            status &= ~X509ChainStatusFlags.NotTimeValid;
        }

        if (status.HasFlag(X509ChainStatusFlags.Revoked))
        {
            failures |= PkixFailures.Revoked;
            reasons.Add($"'{certificate.Subject}' is revoked");
            status &= ~X509ChainStatusFlags.Revoked;
        }

        status &= ~IgnoredStatus;
        if (status != X509ChainStatusFlags.NoError)
        {
            failures |= PkixFailures.InvalidChain;
            reasons.Add($"invalid chain at '{certificate.Subject}' ({status})");
        }
    }
}

using System.Text.Json;
using PoshClient.Documents;
using PoshClient.Xmpp;

namespace PoshServer.Cli;

/// <summary>What <c>check</c> prints, as data (<c>--json</c>).</summary>
internal sealed record CheckReport
{
    public required string Domain { get; init; }

    public required string Service { get; init; }

    public required bool Accepted { get; init; }

    /// <summary>accepted, rejected (a certificate was judged and not accepted) or unreachable (no certificate to judge: see <see cref="Status"/>).</summary>
    public required string Outcome { get; init; }

    public required string ProofType { get; init; }

    public required string Status { get; init; }

    public required string Reason { get; init; }

    public required IReadOnlyList<Step> Steps { get; init; }

    public required IReadOnlyList<Attempt> Attempts { get; init; }

    public Presented? Certificate { get; init; }

    public string? Pkix { get; init; }

    public string? Posh { get; init; }

    /// <summary>The PKIX failures (camelCase names of <c>PkixFailures</c>; empty when valid); null when no certificate was judged.</summary>
    public IReadOnlyList<string>? PkixFailures { get; init; }

    /// <summary>The POSH verification outcome (camelCase <c>PoshVerificationOutcome</c>); null when POSH was not consulted.</summary>
    public string? PoshOutcome { get; init; }

    /// <summary>The DANE decision (RFC 7712 §5.1, RFC 7673): null when no certificate was judged.</summary>
    public DaneDecision? Dane { get; init; }

    public required string PoshLookup { get; init; }

    /// <summary>The POSH lookup's status (camelCase <c>PoshLookupStatus</c>: found, notFound, unreachable, …).</summary>
    public required string PoshLookupStatus { get; init; }

    /// <summary>The expires that applies to the fingerprints found, in seconds (the lesser of reference and document, RFC 7711 §3.2, §4); null when none was found.</summary>
    public long? PoshEffectiveExpires { get; init; }

    /// <summary>Until when the lookup's outcome is cached.</summary>
    public required DateTimeOffset PoshCacheUntil { get; init; }

    public required IReadOnlyList<Fetch> PoshFetches { get; init; }

    public required IReadOnlyList<string> PublishedSha256 { get; init; }

    public static CheckReport From(XmppConnectResult result, PoshLookupResult lookup)
    {
        var report = result.Report;
        var certificate = report.Certificate;
        return new CheckReport
        {
            Domain = report.Domain,
            Service = report.Service.ToName(),
            Accepted = result.IsConnected && certificate?.IsAccepted == true,
            Outcome = result.IsConnected && certificate?.IsAccepted == true ? "accepted" : certificate is not null ? "rejected" : "unreachable",
            ProofType = report.ProofType.ToString(),
            Status = result.Status.ToString(),
            Reason = result.Reason,
            Steps = [.. report.Steps.Select(s => new Step(s.Name, s.Detail, s.Started.TotalMilliseconds, s.Duration.TotalMilliseconds, s.Succeeded, Lower(s.Dnssec)))],
            Attempts = [.. report.Attempts.Select(a => new Attempt(a.Endpoint.ToString(), a.Address?.ToString(), a.Status.ToString(), a.Error))],
            Certificate = certificate?.Certificate is { } c
                ? new Presented(c.Subject, c.Issuer, c.Names.DnsNames, c.NotBefore, c.NotAfter, c.Sha256Base64)
                : null,
            Pkix = certificate?.Pkix?.Reason,
            Posh = certificate?.Posh?.Reason,
            PkixFailures = certificate?.Pkix is { } pkix
                ? [.. Enum.GetValues<PoshClient.Pkix.PkixFailures>().Where(f => f != PoshClient.Pkix.PkixFailures.None && pkix.Failures.HasFlag(f)).Select(f => Camel(f.ToString()))]
                : null,
            PoshOutcome = certificate?.Posh is { } posh ? Camel(posh.Outcome.ToString()) : null,
            Dane = certificate?.Dane is { } dane
                ? new DaneDecision(
                    Lower(dane.Outcome)!,
                    dane.Reason,
                    Lower(dane.SrvDnssec)!,
                    Lower(dane.TlsaDnssec)!,
                    dane.TlsaNames,
                    [.. dane.Records.Select(r => r.ToString())],
                    dane.MatchedRecord?.ToString(),
                    dane.DelegatedNames)
                : null,
            PoshLookup = lookup.Reason,
            PoshLookupStatus = Camel(lookup.Status.ToString()),
            PoshEffectiveExpires = lookup.EffectiveExpires,
            PoshCacheUntil = lookup.CacheUntil,
            PoshFetches = [.. lookup.Trace.Select(f => new Fetch(f.Url.ToString(), f.StatusCode, f.Outcome, f.Expires))],
            PublishedSha256 = [.. (lookup.Document?.Fingerprints ?? [])
                .Where(d => d.Hashes.ContainsKey(PoshHashAlgorithm.Sha256))
                .Select(d => Convert.ToBase64String(d.Hashes[PoshHashAlgorithm.Sha256].AsSpan()))],
        };
    }

    private static string Camel(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);

    private static string? Lower<T>(T? value)
        where T : struct, Enum => value?.ToString().ToLowerInvariant();

    private static string? Lower<T>(T value)
        where T : Enum => value.ToString().ToLowerInvariant();

    /// <summary>One step; <paramref name="Dnssec"/> (secure, insecure, bogus, indeterminate) for DNS answers only.</summary>
    internal sealed record Step(string Name, string Detail, double StartedMs, double DurationMs, bool Succeeded, string? Dnssec);

    internal sealed record DaneDecision(
        string Outcome,
        string Reason,
        string SrvDnssec,
        string TlsaDnssec,
        IReadOnlyList<string> TlsaNames,
        IReadOnlyList<string> Records,
        string? MatchedRecord,
        IReadOnlyList<string> DelegatedNames);

    internal sealed record Attempt(string Endpoint, string? Address, string Status, string? Error);

    internal sealed record Presented(string Subject, string Issuer, IReadOnlyList<string> DnsNames, DateTimeOffset NotBefore, DateTimeOffset NotAfter, string Sha256);

    internal sealed record Fetch(string Url, int? Status, string Outcome, long? Expires);
}

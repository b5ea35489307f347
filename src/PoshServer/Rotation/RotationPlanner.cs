using System.Collections.Immutable;
using System.Globalization;
using PoshServer.Certificates;
using PoshServer.Tenants;

namespace PoshServer.Rotation;

/// <summary>
/// Decides rotation from the current snapshot, the remembered state and the clock, without side effects.
/// RFC 7711 §3.1/§6 and S-12: a client may hold a document for its <c>expires</c>; a certificate may only be deployed
/// once it has been published for the longest <c>expires</c> any client of the set may hold (plus a margin), and the
/// certificate it replaces stays published for as long again after the switch. Clients cache
/// min(reference expires, fingerprints expires) (RFC 7711 §3.2), so the fingerprints documents' expires bounds it.
/// </summary>
internal static class RotationPlanner
{
    /// <summary>Appended to the path of a certificate that is published from the rotation state rather than a file.</summary>
    public const string RetainedSuffix = " (kept published by rotation)";

    public static RotationPlan Plan(
        TenantSnapshot snapshot, RotationState state, DateTimeOffset now, long defaultExpires, string defaultSet, TimeSpan defaultMargin, TimeSpan retryDelay,
        Func<string, PublishedCertificate?> readDeployed,
        TimeSpan? tlsaTtl = null,
        RotationClusterView? cluster = null)
    {
        var sets = new Dictionary<string, RotationSetState>(StringComparer.Ordinal);
        var statuses = ImmutableArray.CreateBuilder<RotationSetStatus>();
        var retained = ImmutableDictionary.CreateBuilder<string, ImmutableArray<PublishedCertificate>>(StringComparer.Ordinal);
        var switches = ImmutableArray.CreateBuilder<(string, CertificateSetRotation, PublishedCertificate)>();
        var events = ImmutableArray.CreateBuilder<(string, RotationCertificateState, bool)>();
        DateTimeOffset? nextDue = null;
        void Due(DateTimeOffset? at)
        {
            if (at is { } value && value > now && (nextDue is null || value < nextDue))
            {
                nextDue = value;
            }
        }

        foreach (var entry in snapshot.Sets.Values.OrderBy(s => s.Set.Name, StringComparer.Ordinal))
        {
            var name = entry.Set.Name;
            var rotation = entry.Set.Rotation;
            var previous = state.Sets.GetValueOrDefault(name) ?? RotationSetState.Empty;
            var certificates = previous.Certificates.ToDictionary(c => c.Sha256, StringComparer.Ordinal);
            // The longest expires a client may hold a document of this set for: its tenants' documents, and for the default
            // set also the hoster's own names' document, written with Tenants:DefaultExpires (the only set served there).
            // A set no tenant uses falls back to that default.
            var tenantsExpires = snapshot.LongestExpires.TryGetValue(name, out var longest) ? longest : (long?)null;
            var maxExpires = string.Equals(name, defaultSet, StringComparison.Ordinal)
                ? Math.Max(tenantsExpires ?? defaultExpires, defaultExpires)
                : tenantsExpires ?? defaultExpires;
            var margin = rotation.Margin ?? defaultMargin;
            // With DANE, resolvers may hold the TLSA RRset without the next key for its TTL (RFC 7671 §8.1): safe-at
            // waits for whichever cache drains last.
            var drain = TimeSpan.FromSeconds(Math.Max(maxExpires, (long)(tlsaTtl ?? TimeSpan.Zero).TotalSeconds)) + margin;

            // Every certificate published from a file starts its safe-at clock the first time it is seen.
            var fromFiles = entry.Published.Where(c => !c.Path.EndsWith(RetainedSuffix, StringComparison.Ordinal)).ToList();
            foreach (var certificate in fromFiles.Where(c => !certificates.ContainsKey(c.Sha256)))
            {
                certificates[certificate.Sha256] = New(certificate, now);
                if (string.Equals(certificate.Path, rotation.NextCertificate, StringComparison.Ordinal))
                {
                    events.Add((name, certificates[certificate.Sha256], true));
                }
            }

            // What the XMPP servers present: the deployed file, or (without one) the set's certificate files.
            string? note = null;
            List<PublishedCertificate> presented;
            if (rotation.DeployCertificate is { } deployPath)
            {
                var deployed = readDeployed(deployPath);
                presented = deployed is null || deployed.IsExpiredAt(now) ? [] : [deployed];
                if (deployed is null)
                {
                    note = $"the deployed certificate '{deployPath}' cannot be read, so rotation cannot tell what the XMPP servers present";
                }
            }
            else
            {
                presented = [.. fromFiles.Where(c => entry.Set.Certificates.Any(r => string.Equals(r.Path, c.Path, StringComparison.Ordinal)))];
            }

            var presentedShas = presented.Select(c => c.Sha256).ToHashSet(StringComparer.Ordinal);
            foreach (var certificate in presented)
            {
                if (!certificates.TryGetValue(certificate.Sha256, out var known))
                {
                    known = New(certificate, now);
                }

                certificates[certificate.Sha256] = known.PresentedSince is null || known.PresentedUntil is not null
                    ? known with { PresentedSince = now, PresentedUntil = null }
                    : known;
                // Deployed too early: it replaced a presented certificate without having been published, or before its safe-at.
                var remembered = certificates[certificate.Sha256];
                var safe = remembered.FirstPublished + drain;
                var replacedUnpublished = !previous.Certificates.Any(c => string.Equals(c.Sha256, certificate.Sha256, StringComparison.Ordinal))
                    && previous.Certificates.Any(c => c.PresentedSince is not null && c.PresentedUntil is null);
                if (rotation.DeployCertificate is not null && now < safe && (replacedUnpublished || remembered.PresentedSince > remembered.FirstPublished))
                {
                    note = string.Create(CultureInfo.InvariantCulture, $"certificate {certificate.Sha256} was deployed before its safe-at time {safe:u}: clients holding older documents reject it until then");
                }
            }

            foreach (var certificate in certificates.Values.ToList())
            {
                if (certificate.PresentedSince is not null && certificate.PresentedUntil is null && !presentedShas.Contains(certificate.Sha256))
                {
                    certificates[certificate.Sha256] = certificate with { PresentedUntil = now };
                }
            }

            // The next certificate: the next slot, or (without deployment) a set certificate still inside its safe-at window.
            var next = rotation.NextCertificate is { } nextPath
                ? fromFiles.FirstOrDefault(c => string.Equals(c.Path, nextPath, StringComparison.Ordinal))
                : null;
            if (next is null && rotation.DeployCertificate is null && presented.Count > 1)
            {
                next = presented
                    .Where(c => certificates[c.Sha256].FirstPublished + drain > now)
                    .OrderByDescending(c => certificates[c.Sha256].FirstPublished)
                    .FirstOrDefault();
                if (next is not null && presented.All(c => certificates[c.Sha256].FirstPublished + drain > now))
                {
                    next = null; // all new together: a fresh set, nothing to rotate from.
                }
            }

            if (next is not null && rotation.DeployCertificate is not null && presentedShas.Contains(next.Sha256))
            {
                next = null; // already deployed
            }

            // One server: safe-at counts from its own first publication. A cluster: from the latest publication among
            // the replicas, and not at all while a live replica does not publish it yet (RotationClusterView).
            DateTimeOffset? safeAt = null;
            string? waiting = null;
            if (next is not null && cluster is null)
            {
                safeAt = certificates[next.Sha256].FirstPublished + drain;
            }
            else if (next is not null)
            {
                var publication = cluster!.PublicationOf(name, next.Sha256, now);
                safeAt = publication.At + drain;
                Due(publication.ReleasedAt);
                if (publication.At is null)
                {
                    waiting = publication.WaitingFor.Count == 0
                        ? "safe-at is unknown while the cluster store is unreachable"
                        : $"safe-at waits until replica(s) {string.Join(", ", publication.WaitingFor)} publish the next certificate (or stop counting as live)";
                }
            }

            Due(safeAt);

            // Retire: draining certificates whose caches have drained, and every expired certificate.
            var retiring = new List<RotationCertificateInfo>();
            var keep = ImmutableArray.CreateBuilder<PublishedCertificate>();
            foreach (var certificate in certificates.Values.ToList())
            {
                var inFiles = fromFiles.Any(c => string.Equals(c.Sha256, certificate.Sha256, StringComparison.Ordinal));
                // Only a managed deployment retains certificates: without one, the operator's list is the truth (and
                // removing a compromised certificate from it must take effect at once).
                DateTimeOffset? retireAt = certificate.PresentedUntil is { } until && rotation.DeployCertificate is not null ? until + drain : null;
                var draining = retireAt is { } at && at > now;
                if (certificate.NotAfter < now || (!inFiles && !draining && !presentedShas.Contains(certificate.Sha256)))
                {
                    certificates.Remove(certificate.Sha256);
                    if (certificate.PresentedSince is not null)
                    {
                        events.Add((name, certificate, false));
                    }

                    continue;
                }

                Due(certificate.NotAfter);
                if (draining && !presentedShas.Contains(certificate.Sha256))
                {
                    Due(retireAt);
                    retiring.Add(Info(certificate, retireAt));
                }

                if (rotation.DeployCertificate is not null
                    && (draining || presentedShas.Contains(certificate.Sha256))
                    && CertificateFileReader.TryParse(certificate.Path + RetainedSuffix, Convert.FromBase64String(certificate.Der), out var parsed, out _))
                {
                    keep.Add(parsed);
                }
            }

            retained[name] = keep.ToImmutable();

            var last = previous.LastSwitch;
            var failed = next is not null && last is { Succeeded: false } && string.Equals(last.Sha256, next.Sha256, StringComparison.Ordinal);
            if (rotation.Automatic && next is not null && safeAt <= now && !next.IsNotYetValidAt(now))
            {
                var retryAt = last is not null && string.Equals(last.Sha256, next.Sha256, StringComparison.Ordinal) ? last.At + retryDelay : now;
                if (retryAt <= now)
                {
                    switches.Add((name, rotation, next));
                }
                else
                {
                    Due(retryAt);
                }
            }

            var phase = note is not null ? RotationPhase.Attention
                : failed ? RotationPhase.SwitchFailed
                : next is not null ? (safeAt <= now ? RotationPhase.SafeToDeploy : RotationPhase.Publishing)
                : retiring.Count > 0 ? RotationPhase.Draining
                : RotationPhase.Steady;
            sets[name] = new RotationSetState { Certificates = [.. certificates.Values.OrderBy(c => c.FirstPublished)], LastSwitch = last };
            statuses.Add(new RotationSetStatus
            {
                Set = name,
                Phase = phase,
                Current = [.. presented.Select(c => Info(certificates.GetValueOrDefault(c.Sha256) ?? New(c, now), null))],
                Next = next is null ? null : Info(certificates[next.Sha256], null),
                SafeAt = safeAt,
                TlsaTtl = tlsaTtl,
                Retiring = retiring,
                MaxExpires = maxExpires,
                Margin = margin,
                Automatic = rotation.Automatic,
                LastSwitch = last,
                Note = note ?? (failed ? "the last automatic switch failed: " + last!.Message : waiting),
            });
        }

        return new RotationPlan
        {
            State = new RotationState { Sets = sets },
            Statuses = statuses.ToImmutable(),
            Retained = retained.ToImmutable(),
            Switches = switches.ToImmutable(),
            Events = events.ToImmutable(),
            NextDue = nextDue,
        };
    }

    private static RotationCertificateState New(PublishedCertificate certificate, DateTimeOffset now)
    {
        var der = File.Exists(certificate.Path) ? ReadDer(certificate) : null;
        return new RotationCertificateState
        {
            Sha256 = certificate.Sha256,
            Subject = certificate.Subject,
            NotBefore = certificate.NotBefore,
            NotAfter = certificate.NotAfter,
            Path = certificate.Path.EndsWith(RetainedSuffix, StringComparison.Ordinal) ? certificate.Path[..^RetainedSuffix.Length] : certificate.Path,
            Der = der ?? string.Empty,
            FirstPublished = now,
        };
    }

    /// <summary>The DER of the file's first certificate, kept so the certificate can stay published after the file changes.</summary>
    private static string? ReadDer(PublishedCertificate certificate)
    {
        try
        {
            var bytes = File.ReadAllBytes(certificate.Path);
            var der = FirstCertificate(bytes);
            if (der is null)
            {
                return null;
            }

            // The file may have changed since it was read: keep it only if it is still this certificate.
            var sha = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(der));
            return string.Equals(sha, certificate.Sha256, StringComparison.Ordinal) ? Convert.ToBase64String(der) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static byte[]? FirstCertificate(byte[] bytes)
    {
        if (bytes.AsSpan().IndexOf("-----BEGIN"u8) < 0)
        {
            return bytes;
        }

        var rest = System.Text.Encoding.ASCII.GetString(bytes).AsMemory();
        while (System.Security.Cryptography.PemEncoding.TryFind(rest.Span, out var fields))
        {
            if (rest.Span[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                return Convert.FromBase64String(rest.Span[fields.Base64Data].ToString());
            }

            rest = rest[fields.Location.End..];
        }

        return null;
    }

    private static RotationCertificateInfo Info(RotationCertificateState certificate, DateTimeOffset? retireAt) => new()
    {
        Sha256 = certificate.Sha256,
        Subject = certificate.Subject,
        NotAfter = certificate.NotAfter,
        Path = certificate.Path,
        FirstPublished = certificate.FirstPublished,
        RetireAt = retireAt,
    };
}

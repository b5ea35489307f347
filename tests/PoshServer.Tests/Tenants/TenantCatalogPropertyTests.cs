using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PoshClient.Documents;
using PoshServer.Posh;
using PoshServer.Tenants;
using PoshTesting;

namespace PoshServer.Tests.Tenants;

/// <summary>
/// Issue 9: random sequences of added, changed, deleted and renamed tenant files, applied one load at a time to the
/// current catalog (the watcher's path, or a full load that finds them), give host by host exactly the bytes a full
/// load from scratch gives.
/// The sequences keep every file valid and every domain in one file: with a rejected file or a duplicate domain the
/// incremental catalog deliberately differs from a fresh start (the last good version and the earlier owner keep
/// serving); <see cref="TenantCatalogBuilderTests"/> covers those rules.
/// </summary>
public sealed class TenantCatalogPropertyTests : IDisposable
{
    private static readonly string[] s_services = ["[xmpp-client]", "[xmpp-server]", "[xmpp-client, xmpp-server]"];
    private readonly TenantWorld _world = new();
    private readonly TempDirectory _cache = new("posh-property-cache-");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public TenantCatalogPropertyTests()
    {
        using var alt = TestCertificates.SelfSigned(["xmpp-alt.hosting.test"]);
        using var extra = TestCertificates.SelfSigned(["own.tenant.test"]);
        _world.WriteCertificate("certs/alt.pem", alt);
        _world.WriteCertificate("certs/extra.pem", extra);
        _world.WriteSets("default:\n  certificates: [certs/hosting.pem]\nalt:\n  certificates: [certs/alt.pem]\n");
    }

    public void Dispose()
    {
        _cache.Dispose();
        _world.Dispose();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void RandomChanges_AppliedIncrementally_ServeWhatAFullLoadServes(int seed)
    {
        var random = new Random(seed);
        // file name → the domain its tenant has (a domain moves with its file on rename, so each stays in one file)
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var nextDomain = 0;
        for (var i = 0; i < 12; i++)
        {
            var name = $"f{i}.yaml";
            files[name] = $"d{nextDomain++}.example";
            _world.WriteAtomically(name, RandomTenant(random, files[name]));
        }

        var builder = CreateBuilder();
        var current = builder.Load(lastGood: null);
        Assert.False(current.HasErrors, string.Join('\n', current.Diagnostics));

        for (var step = 0; step < 60; step++)
        {
            var changed = new List<string>();
            // One load may cover several events, as the debounce gathers them.
            for (var events = random.Next(1, 4); events > 0; events--)
            {
                var names = files.Keys.Order(StringComparer.Ordinal).ToList();
                switch (names.Count == 0 ? 0 : random.Next(4))
                {
                    case 0:
                        {
                            var name = $"n{step}-{events}.yaml";
                            files[name] = $"d{nextDomain++}.example";
                            _world.WriteAtomically(name, RandomTenant(random, files[name]));
                            changed.Add(_world.Combine(name));
                            break;
                        }

                    case 1:
                        {
                            var name = names[random.Next(names.Count)];
                            _world.WriteAtomically(name, RandomTenant(random, files[name]));
                            changed.Add(_world.Combine(name));
                            break;
                        }

                    case 2:
                        {
                            var name = names[random.Next(names.Count)];
                            _world.Delete(name);
                            files.Remove(name);
                            changed.Add(_world.Combine(name));
                            break;
                        }

                    default:
                        {
                            var name = names[random.Next(names.Count)];
                            var renamed = $"r{step}-{events}.yaml";
                            File.Move(_world.Combine(name), _world.Combine(renamed));
                            files[renamed] = files[name];
                            files.Remove(name);
                            changed.Add(_world.Combine(name));
                            changed.Add(_world.Combine(renamed));
                            break;
                        }
                }
            }

            var before = current.Snapshot;
            // Every fifth step a full load on unchanged sets (SIGHUP) finds the step's changes itself, without the
            // watcher's names: the difference between the listing and the catalog, applied in name order.
            current = step % 5 == 0 ? builder.Load(current.Snapshot) : builder.Load(current.Snapshot, changed);
            var scratch = CreateBuilder().Load(lastGood: null);

            Assert.False(current.HasErrors, string.Join('\n', current.Diagnostics));
            AssertSameBytes(scratch.Snapshot, current.Snapshot, $"seed {seed}, step {step}");
            AssertChangesNamed(before, current.Snapshot, $"seed {seed}, step {step}");
            AssertLongestExpiresCounted(current.Snapshot, $"seed {seed}, step {step}");
            AssertAcmeDomainsKept(current.Snapshot, $"seed {seed}, step {step}");
            if (step % 7 == 0)
            {
                // A full load on unchanged sets (SIGHUP) is the difference between the listing and the catalog: same result.
                before = current.Snapshot;
                current = builder.Load(current.Snapshot);
                AssertSameBytes(scratch.Snapshot, current.Snapshot, $"seed {seed}, step {step}, full reload");
                AssertChangesNamed(before, current.Snapshot, $"seed {seed}, step {step}, full reload");
                AssertLongestExpiresCounted(current.Snapshot, $"seed {seed}, step {step}, full reload");
                AssertAcmeDomainsKept(current.Snapshot, $"seed {seed}, step {step}, full reload");
            }

            if (step % 9 == 0)
            {
                // A restart through the parse cache: what this builder remembers, written and read back by the next
                // process's builder, gives the same bytes with every file taken from the cache.
                var restarted = CreateBuilder();
                var cache = new TenantParseCache(Options.Create(_world.CreateOptions(o => o.ParseCacheFile = _cache.Combine("parse-cache.bin"))), new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(1)), NullLogger<TenantParseCache>.Instance);
                cache.Write(builder.Reader);
                cache.Restore(restarted.Reader);
                Assert.Equal(files.Count, restarted.Reader.Remembered().Length);
                AssertSameBytes(scratch.Snapshot, restarted.Load(lastGood: null).Snapshot, $"seed {seed}, step {step}, restart");
            }
        }
    }

    [Fact]
    public void FullReload_BuildsEachDistinctDocumentOnce_AndSharesItBetweenTenants()
    {
        for (var i = 0; i < 50; i++)
        {
            _world.WriteTenant($"t{i}.yaml", i % 2 == 0 ? $"domain: t{i}.example\n" : $"domain: t{i}.example\ncertificate_set: alt\nexpires: 7200\n");
        }

        var builder = CreateBuilder();
        var first = builder.Load(lastGood: null);
        _world.WriteSets("default:\n  description: touched\n  certificates: [certs/hosting.pem]\nalt:\n  certificates: [certs/alt.pem]\n");
        var second = builder.Load(first.Snapshot);

        foreach (var snapshot in new[] { first.Snapshot, second.Snapshot })
        {
            var documents = snapshot.Tenants.Values.Select(t => t.Document).Distinct(ReferenceEqualityComparer.Instance).ToList();
            Assert.Equal(2, documents.Count);
            Assert.Same(snapshot.DefaultSet!.Document, snapshot.Tenants["t0.example"].Document);
        }
    }

    private static void AssertSameBytes(TenantSnapshot expected, TenantSnapshot actual, string because)
    {
        Assert.Equal(expected.Tenants.Keys.Order(StringComparer.Ordinal), actual.Tenants.Keys.Order(StringComparer.Ordinal));
        foreach (var (domain, want) in expected.Tenants)
        {
            var got = actual.Tenants[domain];
            Assert.True(string.Equals(want.Tenant.SourceFile, got.Tenant.SourceFile, StringComparison.Ordinal), $"{because}: {domain} comes from {got.Tenant.SourceFile}, not {want.Tenant.SourceFile}");
            foreach (var service in PoshServiceNames.All)
            {
                Assert.True(Bytes(want.DocumentFor(service)) == Bytes(got.DocumentFor(service)), $"{because}: {domain} {service} document differs");
                Assert.Equal(want.DocumentFor(service)?.ETag, got.DocumentFor(service)?.ETag);
                Assert.True(Bytes(want.ReferenceFor(service)) == Bytes(got.ReferenceFor(service)), $"{because}: {domain} {service} reference differs");
            }
        }
    }

    /// <summary>The domains a load says it changed are exactly those whose entry differs from the snapshot before.</summary>
    private static void AssertChangesNamed(TenantSnapshot before, TenantSnapshot after, string because)
    {
        var named = after.ChangedSince(before);
        Assert.True(named is not null, $"{because}: the load kept its catalog but did not name its changes");
        var differing = before.Tenants.Keys.Union(after.Tenants.Keys, StringComparer.OrdinalIgnoreCase)
            .Where(d => !(before.Tenants.TryGetValue(d, out var a) && after.Tenants.TryGetValue(d, out var b) && ReferenceEquals(a, b)))
            .Order(StringComparer.Ordinal);
        Assert.Equal(differing, named.Order(StringComparer.Ordinal));
    }

    /// <summary>The longest expires per set, counted as tenants change, is what a pass over every served tenant finds.</summary>
    private static void AssertLongestExpiresCounted(TenantSnapshot snapshot, string because)
    {
        var passed = snapshot.Tenants.Values
            .GroupBy(t => t.Tenant.CertificateSet, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(t => t.Tenant.Expires), StringComparer.Ordinal);
        Assert.True(
            passed.Count == snapshot.LongestExpires.Count && passed.All(p => snapshot.LongestExpires.TryGetValue(p.Key, out var longest) && longest == p.Value),
            $"{because}: counted {string.Join(", ", snapshot.LongestExpires.Select(p => $"{p.Key}={p.Value}"))}, passed {string.Join(", ", passed.Select(p => $"{p.Key}={p.Value}"))}");
    }

    /// <summary>The ACME names, kept as tenants change, are the served tenants with <c>acme: true</c> that are not disabled.</summary>
    private static void AssertAcmeDomainsKept(TenantSnapshot snapshot, string because)
    {
        var passed = snapshot.Tenants.Values.Where(t => t.Tenant.Acme && !t.Tenant.Disabled).Select(t => t.Tenant.Domain).Order(StringComparer.Ordinal);
        Assert.True(passed.SequenceEqual(snapshot.AcmeDomains), $"{because}: kept {string.Join(", ", snapshot.AcmeDomains)}, passed {string.Join(", ", passed)}");
    }

    private static string? Bytes(PoshResponse? response) => response is null ? null : Encoding.UTF8.GetString(response.Body);

    private static string RandomTenant(Random random, string domain)
    {
        var text = new StringBuilder($"domain: {domain}\n");
        if (random.Next(3) == 0)
        {
            text.Append("certificate_set: alt\n");
        }

        if (random.Next(2) == 0)
        {
            text.Append("expires: ").Append(random.Next(60, 100) * 60).Append('\n');
        }

        if (random.Next(3) == 0)
        {
            text.Append("services: ").Append(s_services[random.Next(s_services.Length)]).Append('\n');
        }

        if (random.Next(8) == 0)
        {
            text.Append("disabled: true\n");
        }

        if (random.Next(5) == 0)
        {
            text.Append("extra_certificates: [certs/extra.pem]\n");
        }

        if (random.Next(3) == 0)
        {
            text.Append("acme: true\n");
        }

        if (random.Next(4) == 0)
        {
            text.Append("reference_expires: ").Append(random.Next(2, 9) * 3600).Append('\n');
        }

        return text.ToString();
    }

    private TenantCatalogBuilder CreateBuilder() => _world.CreateBuilder(_time);
}

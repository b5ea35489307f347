using System.Reflection;
using Microsoft.Extensions.Logging;
using PoshClient.Verification;

namespace PoshServer.Tests.Logging;

/// <summary>
/// Issue 14: every [LoggerMessage] of both assemblies has an event id of its own, inside its feature's range, and an
/// EventName, so that an operator can filter by id or name (TenantStore[1] and HttpsCertificateFileService[1] were two
/// different events). The ranges here are the ones each Log class's summary states.
/// </summary>
public sealed class LoggerMessageEventIdTests
{
    private static readonly Dictionary<string, (int From, int To)> s_ranges = new(StringComparer.Ordinal)
    {
        ["PoshServer.Tenants.TenantsLog"] = (100, 199),
        ["PoshServer.Https.HttpsLog"] = (200, 299),
        ["PoshServer.Health.HealthLog"] = (300, 399),
        ["PoshServer.Acme.AcmeLog"] = (400, 499),
        ["PoshServer.Rotation.RotationLog"] = (600, 699),
        ["PoshServer.TenantChecks.TenantChecksLog"] = (700, 799),
        ["PoshServer.Status.StatusLog"] = (800, 899),
        ["PoshServer.FailureReports.FailureReportsLog"] = (900, 999),
        ["PoshClient.Verification.PoshVerifierLog"] = (1100, 1199),
        ["PoshClient.Dns.DnsLog"] = (1200, 1249),
        ["PoshClient.Xmpp.XmppLog"] = (1300, 1399),
        ["PoshServer.Export.ExportLog"] = (1500, 1549),
        ["PoshServer.Cluster.ClusterLog"] = (1600, 1649),
    };

    [Fact]
    public void Issue14_LoggerMessages_HaveUniqueIdsInTheirClassRangeAndAnEventName()
    {
        var messages = new[] { typeof(PoshServerApp).Assembly, typeof(PoshVerifier).Assembly }
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Select(m => (Type: t, Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
                .Where(x => x.Attribute is not null))
            .ToList();

        Assert.NotEmpty(messages);
        var problems = new List<string>();
        foreach (var (type, method, attribute) in messages)
        {
            var name = $"{type.FullName}.{method.Name}";
            if (!s_ranges.TryGetValue(type.FullName!, out var range))
            {
                problems.Add($"{name}: {type.FullName} has no event-id range (add it to its summary and to this table)");
            }
            else if (attribute!.EventId < range.From || attribute.EventId > range.To)
            {
                problems.Add($"{name}: id {attribute.EventId} is outside {range.From}–{range.To}");
            }

            if (string.IsNullOrEmpty(attribute!.EventName))
            {
                problems.Add($"{name}: no EventName");
            }
        }

        problems.AddRange(messages.GroupBy(m => m.Attribute!.EventId).Where(g => g.Count() > 1)
            .Select(g => $"id {g.Key} is used by {string.Join(", ", g.Select(m => $"{m.Type.Name}.{m.Method.Name}"))}"));
        problems.AddRange(messages.GroupBy(m => (m.Type, m.Attribute!.EventName)).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key.Type.Name}: EventName {g.Key.EventName} is used by {string.Join(", ", g.Select(m => m.Method.Name))}"));
        Assert.Empty(problems);
    }
}

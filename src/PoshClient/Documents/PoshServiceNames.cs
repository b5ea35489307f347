using System.Diagnostics.CodeAnalysis;

namespace PoshClient.Documents;

/// <summary>Conversions between <see cref="PoshService"/> and the registered service names.</summary>
internal static class PoshServiceNames
{
    /// <summary>The c2s service name, <c>xmpp-client</c>.</summary>
    public const string XmppClient = "xmpp-client";

    /// <summary>The s2s service name, <c>xmpp-server</c>.</summary>
    public const string XmppServer = "xmpp-server";

    /// <summary>Every service, in a stable order.</summary>
    public static IReadOnlyList<PoshService> All { get; } = [PoshService.XmppClient, PoshService.XmppServer];

    /// <summary>Returns the registered name, e.g. <c>xmpp-server</c>.</summary>
    public static string ToName(this PoshService service) => service switch
    {
        PoshService.XmppClient => XmppClient,
        PoshService.XmppServer => XmppServer,
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, "Unknown POSH service."),
    };

    /// <summary>Parses a registered name; names are lower case (RFC 7711 §8), so the comparison is ordinal.</summary>
    public static bool TryParse(string? name, [NotNullWhen(true)] out PoshService? service)
    {
        service = name switch
        {
            XmppClient => PoshService.XmppClient,
            XmppServer => PoshService.XmppServer,
            _ => null,
        };
        return service is not null;
    }

    /// <summary>The well-known path of the service's document (RFC 7711 §3 step 1).</summary>
    public static string WellKnownPath(this PoshService service) => "/.well-known/posh/" + service.ToName() + ".json";
}

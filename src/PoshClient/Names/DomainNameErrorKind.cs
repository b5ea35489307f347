namespace PoshClient.Names;

/// <summary>Why a text is not a domain name, for callers that act on the reason rather than its wording.</summary>
internal enum DomainNameErrorKind
{
    /// <summary>Nothing, or only a dot.</summary>
    Empty,

    /// <summary>An IPv4 or IPv6 literal: an XMPP domain and a POSH host are DNS names (RFC 6120 §13.7.2.1, RFC 7711 §3).</summary>
    IpAddress,

    /// <summary>Two dots in a row, or a leading dot.</summary>
    EmptyLabel,

    /// <summary>A label longer than 63 octets once in A-label form (RFC 1035 §2.3.4).</summary>
    LabelTooLong,

    /// <summary>More than 253 characters once in A-label form (RFC 1035 §2.3.4, without the root's dot).</summary>
    TooLong,

    /// <summary>A character a host name cannot carry (STD 3 letters, digits and hyphens; no '_', '*', '@', space).</summary>
    InvalidCharacter,

    /// <summary>A label that starts or ends with a hyphen (RFC 952, RFC 1123 §2.1).</summary>
    HyphenAtLabelEdge,

    /// <summary>Not valid IDNA: a U-label that cannot be mapped, or an "xn--" label that is not a valid A-label (RFC 5891 §5.4).</summary>
    InvalidIdna,

    /// <summary>A single label where a fully qualified name is required (a tenant, a POSH host).</summary>
    SingleLabel,
}

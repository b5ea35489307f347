using System.Net;
using PoshClient.Documents;

namespace PoshClient.Xmpp;

/// <summary>What <see cref="XmppConnector.ConnectAsync"/> did: endpoints, steps with timings, and the certificate decision.</summary>
public sealed record XmppConnectReport
{
    /// <summary>The domain (reference identity), A-label form.</summary>
    public required string Domain { get; init; }

    /// <summary>The service.</summary>
    public required PoshService Service { get; init; }

    /// <summary>How the certificate was accepted (<see cref="CertificateProofType.None"/> on failure).</summary>
    public required CertificateProofType ProofType { get; init; }

    /// <summary>The endpoint of the connection (or of the last TLS attempt on failure).</summary>
    public XmppEndpoint? Endpoint { get; init; }

    /// <summary>The address of the connection (or of the last TLS attempt on failure).</summary>
    public IPEndPoint? RemoteAddress { get; init; }

    /// <summary>The TLS protocol negotiated, e.g. Tls13.</summary>
    public string? TlsProtocol { get; init; }

    /// <summary>The ALPN protocol negotiated (direct TLS), if any.</summary>
    public string? ApplicationProtocol { get; init; }

    /// <summary>The certificate decision (PKIX and POSH details, presented certificate).</summary>
    public CertificateValidationResult? Certificate { get; init; }

    /// <summary>Every endpoint tried, in order, with the error that ended each failed attempt.</summary>
    public required IReadOnlyList<XmppConnectAttempt> Attempts { get; init; }

    /// <summary>Every step, with timings.</summary>
    public required IReadOnlyList<XmppConnectStep> Steps { get; init; }
}

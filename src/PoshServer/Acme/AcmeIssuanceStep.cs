namespace PoshServer.Acme;

/// <summary>Points between the steps of one issuance (RFC 8555 §7.4), for observing and for interruption tests.</summary>
internal enum AcmeIssuanceStep
{
    OrderCreated,
    Authorized,
    Finalized,
    Downloaded,
}

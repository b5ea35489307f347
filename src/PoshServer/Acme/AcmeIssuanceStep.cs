namespace PoshServer.Acme;

/// <summary>Points between the steps of one issuance (RFC 8555 §7.4), for observing and for interruption tests.</summary>
internal enum AcmeIssuanceStep
{
    /// <summary>The CA answered the new-order request; its URL is not recorded yet (the window issue 13 item 8 is about).</summary>
    OrderRequested,
    OrderCreated,
    Authorized,
    Finalized,
    Downloaded,
}

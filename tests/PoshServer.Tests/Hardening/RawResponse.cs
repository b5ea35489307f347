namespace PoshServer.Tests.Hardening;

/// <summary>A raw HTTP/1.1 answer: status (0 when none arrived), the header block and the body.</summary>
internal sealed record RawResponse(int Status, string Headers, string Body);

namespace PoshServer.Https;

internal enum UnknownSniBehavior
{
    Fallback,
    Reject,
}

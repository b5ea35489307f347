namespace PoshServer.Tests.Acme;

/// <summary>Tests that run Pebble and bind its http-01 port run one after another (each starts its own Pebble).</summary>
[CollectionDefinition(Name)]
public sealed class PebbleTestGroup
{
    public const string Name = "pebble";
}

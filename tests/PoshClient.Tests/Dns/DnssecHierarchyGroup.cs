namespace PoshClient.Tests.Dns;

/// <summary>The tests against the signed test hierarchy share one <see cref="DnssecHierarchyFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class DnssecHierarchyGroup : ICollectionFixture<DnssecHierarchyFixture>
{
    public const string Name = "DNSSEC hierarchy";
}

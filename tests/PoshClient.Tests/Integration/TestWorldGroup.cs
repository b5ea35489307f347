namespace PoshClient.Tests.Integration;

/// <summary>The integration tests share one <see cref="TestWorld"/>, started once.</summary>
[CollectionDefinition(Name)]
public sealed class TestWorldGroup : ICollectionFixture<TestWorld>
{
    public const string Name = "Test world";
}

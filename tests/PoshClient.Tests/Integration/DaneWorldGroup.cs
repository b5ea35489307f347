namespace PoshClient.Tests.Integration;

/// <summary>The DANE integration tests share one <see cref="DaneWorld"/>, started once.</summary>
[CollectionDefinition(Name)]
public sealed class DaneWorldGroup : ICollectionFixture<DaneWorld>
{
    public const string Name = "DANE world";
}

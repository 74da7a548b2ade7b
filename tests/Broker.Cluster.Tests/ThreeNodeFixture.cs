namespace Broker.Cluster.Tests;

/// <summary>One three-node cluster shared by <see cref="ClusterTests"/>: forming one takes seconds.</summary>
public sealed class ThreeNodeFixture : IAsyncLifetime
{
    internal ClusterOfThree Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await ClusterOfThree.StartAsync("broker-test-shared");

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

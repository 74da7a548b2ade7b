using System.Text;
using Broker.Cluster.Queries;
using Broker.Tests;

namespace Broker.Cluster.Tests;

/// <summary>Cluster queries (<see cref="ClusterQueries"/>) between two nodes in this process, over Akka.Remote.</summary>
public sealed class QueryTests
{
    [Fact]
    public async Task Every_node_answers_a_large_answer_arrives_whole_and_a_silent_or_failing_node_is_reported()
    {
        var ports = new[] { UnassignedPorts.Next(), UnassignedPorts.Next() };
        // A small frame: chunks of 8,000 bytes, so the 100 KB answer below travels in 13 of them.
        var settings = new ClusterSettings { Name = "broker-test-queries", Bind = "127.0.0.1", Seeds = [$"127.0.0.1:{ports[0]}"], MaximumFrameSize = 64_000 };
        await using var a = await TestNode.StartAsync(settings with { Port = ports[0] });
        await using var b = await TestNode.StartAsync(settings with { Port = ports[1] });
        await Eventually.True(() => a.Cluster.Members.Members.Count(m => m.Status == ClusterMemberStatus.Up) == 2, "both Up");
        var large = new byte[100_000];
        Random.Shared.NextBytes(large);
        NodeQueryHandler HandlerOf(TestNode node) => async (query, cancellationToken) => query.Kind switch
        {
            "name" => Encoding.UTF8.GetBytes(node.Name + ":" + Encoding.UTF8.GetString(query.Body)),
            "large" => large,
            "silent" when node == b => await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => Array.Empty<byte>(), TaskScheduler.Default),
            "silent" => [],
            _ => throw new InvalidOperationException($"no kind {query.Kind}"),
        };
        a.Cluster.Queries.Answer(HandlerOf(a));
        b.Cluster.Queries.Answer(HandlerOf(b));

        var names = await a.Cluster.Queries.AskAllAsync(new NodeQuery("name", "hi"u8.ToArray()), TimeSpan.FromSeconds(10));
        Assert.Equal([a.Name, b.Name], names.Select(n => n.Node).Order(StringComparer.Ordinal));
        Assert.All(names, n => Assert.Equal(n.Node + ":hi", Encoding.UTF8.GetString(n.Body!)));

        var larges = await a.Cluster.Queries.AskAllAsync(new NodeQuery("large", []), TimeSpan.FromSeconds(10));
        Assert.All(larges, n => Assert.Equal(large, n.Body));

        var silent = await a.Cluster.Queries.AskAllAsync(new NodeQuery("silent", []), TimeSpan.FromSeconds(1));
        Assert.True(silent.Single(n => n.Node == a.Name).Answered);
        var fromB = silent.Single(n => n.Node == b.Name);
        Assert.False(fromB.Answered);
        Assert.Contains("no answer within", fromB.Failure, StringComparison.Ordinal);

        var unknown = await b.Cluster.Queries.AskAsync(a.Name, new NodeQuery("nonesuch", []), TimeSpan.FromSeconds(10));
        Assert.Equal("no kind nonesuch", unknown.Failure);
    }

    [Fact]
    public void The_serializer_round_trips_each_message()
    {
        using var system = Akka.Actor.ActorSystem.Create("query-serializer");
        var serializer = new QuerySerializer((Akka.Actor.ExtendedActorSystem)system);
        object[] messages = [new QueryRequest(7, "clients.page", [1, 2, 3]), new QueryReplyChunk(8, 1, 3, [4, 5]), new QueryFailed(9, "why")];
        foreach (var message in messages)
        {
            var back = serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message));
            Assert.Equal(message.GetType(), back.GetType());
            Assert.Equal(serializer.ToBinary(message), serializer.ToBinary(back));
        }

        Assert.Throws<InvalidDataException>(() => serializer.FromBinary([1, 2], "Q"));
    }
}

using System.Globalization;
using Broker.Tests;

namespace Broker.Cluster.Tests;

/// <summary>
/// A node that joins, or comes back after a restart, takes an Up member's snapshot of the retained messages before it
/// counts as synchronized: everything asserted right after <see cref="ClusterRetainedReplicator.WhenSynchronized"/>,
/// without waiting further, was in the snapshot.
/// </summary>
public sealed class RetainedJoinTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly string _dataDir = Directory.CreateTempSubdirectory("broker-retained-join-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public async Task A_node_that_joins_later_gets_every_retained_message_and_deletion_in_chunks()
    {
        await using var cluster = await ClusterOfThree.StartAsync("broker-test-retained-late");
        // 600 messages of 1 KB: three chunks of at most 256 KB.
        var payload = new string('x', 1024);
        var topics = Enumerable.Range(0, 600).Select(i => $"fleet/{i}/state").ToArray();
        foreach (var topic in topics)
        {
            await cluster.A.Retain(topic, payload);
        }

        await cluster.B.Retain("fleet/0/state", "");
        await Eventually.True(() => cluster.C.Retainer.Messages.Count == 599 && cluster.C.RetainedPayload("fleet/0/state") is null, "C has them all");

        var seed = Seed(cluster.A);
        await using var late = await TestNode.StartAsync(new ClusterSettings { Name = "broker-test-retained-late", Port = 0, Seeds = [seed] });
        await late.Cluster.Retained.WhenSynchronized.WaitAsync(Bound);

        Assert.Equal(599, late.Retainer.Messages.Count);
        Assert.All(topics.Skip(1), topic => Assert.Equal(payload, late.RetainedPayload(topic)));
        Assert.True(late.Retainer.FindChange("fleet/0/state")!.IsDeletion, "the late node has the tombstone");
        Assert.Equal(cluster.A.Retainer.FindChange("fleet/7/state")!.Version, late.Retainer.FindChange("fleet/7/state")!.Version);

        // And it is a member like the others: its own change reaches them.
        await late.Retain("fleet/late", "here");
        await Eventually.True(() => cluster.Nodes.All(n => n.RetainedPayload("fleet/late") == "here"), "the others have the late node's message");
    }

    [Fact]
    public async Task A_restarted_node_gets_what_changed_while_it_was_away_and_gives_what_only_it_had()
    {
        var file = Path.Combine(_dataDir, "c.db");
        await using var cluster = await ClusterOfThree.StartAsync("broker-test-retained-restart", cFile: file);
        await cluster.A.Retain("room/keep", "kept");
        await cluster.A.Retain("room/gone", "to delete");
        await cluster.A.Retain("room/changed", "v1");
        await Eventually.True(() => cluster.C.RetainedPayload("room/changed") == "v1" && cluster.C.RetainedPayload("room/gone") is not null, "C has them");
        var (seed, port) = (Seed(cluster.A), Port(cluster.C));

        await cluster.C.DisposeAsync();
        await Eventually.True(() => cluster.A.Cluster.Members.Members.All(m => m.Node != cluster.C.Name), "A saw C removed", Bound);
        await cluster.B.Retain("room/gone", "");
        await cluster.A.Retain("room/changed", "v2");
        await cluster.B.Retain("room/new", "while away");
        await Eventually.True(() => cluster.A.RetainedPayload("room/new") == "while away", "A has B's new message");

        // While C was down, a client of its own set a message the others never saw (as if C had been cut off).
        await OnFileAloneAsync(file, node => node.Retain("room/only-c", "mine"));

        await using var restarted = await TestNode.StartAsync(
            new ClusterSettings { Name = "broker-test-retained-restart", Port = port, Seeds = [seed] }, file);
        await restarted.Cluster.Retained.WhenSynchronized.WaitAsync(Bound);

        Assert.Equal("kept", restarted.RetainedPayload("room/keep"));
        Assert.Null(restarted.RetainedPayload("room/gone"));
        Assert.Equal("v2", restarted.RetainedPayload("room/changed"));
        Assert.Equal("while away", restarted.RetainedPayload("room/new"));
        Assert.Equal("mine", restarted.RetainedPayload("room/only-c"));
        await Eventually.True(() => cluster.A.RetainedPayload("room/only-c") == "mine" && cluster.B.RetainedPayload("room/only-c") == "mine",
            "A and B got what only C had");

        // What it received is in its own file too.
        await restarted.DisposeAsync();
        await OnFileAloneAsync(file, node =>
        {
            Assert.Equal(["room/changed", "room/keep", "room/new", "room/only-c"], node.Retainer.Messages.All().Select(m => m.Topic).Order(StringComparer.Ordinal));
            Assert.Equal("v2", node.RetainedPayload("room/changed"));
            return null;
        });
    }

    [Fact]
    public async Task A_node_back_after_the_tombstones_are_forgotten_forgets_its_old_copy_instead_of_bringing_it_back()
    {
        var file = Path.Combine(_dataDir, "c.db");
        var retention = TimeSpan.FromSeconds(1);
        await using var cluster = await ClusterOfThree.StartAsync("broker-test-retained-forget", cFile: file, tombstoneRetention: retention);
        await cluster.A.Retain("door/old", "open");
        await Eventually.True(() => cluster.C.RetainedPayload("door/old") == "open", "C has the message");
        var (seed, port) = (Seed(cluster.A), Port(cluster.C));

        await cluster.C.DisposeAsync();
        await Eventually.True(() => cluster.A.Cluster.Members.Members.All(m => m.Node != cluster.C.Name), "A saw C removed", Bound);
        await cluster.A.Retain("door/old", "");
        await Eventually.True(() => cluster.B.Retainer.FindChange("door/old")?.IsDeletion == true, "B has the tombstone");
        await Eventually.True(
            () => PurgedAsync(cluster.A).Result && PurgedAsync(cluster.B).Result,
            "A and B forgot the tombstone, a second after the deletion");

        await using var restarted = await TestNode.StartAsync(
            new ClusterSettings { Name = "broker-test-retained-forget", Port = port, Seeds = [seed], RetainedTombstoneRetention = retention }, file);
        await restarted.Cluster.Retained.WhenSynchronized.WaitAsync(Bound);

        Assert.Null(restarted.RetainedPayload("door/old"));
        // Had C sent its old copy to the others, it would reach them before this later change from C.
        await restarted.Retain("door/marker", "after");
        await Eventually.True(() => cluster.A.RetainedPayload("door/marker") == "after" && cluster.B.RetainedPayload("door/marker") == "after", "the marker arrived");
        Assert.Null(cluster.A.RetainedPayload("door/old"));
        Assert.Null(cluster.B.RetainedPayload("door/old"));

        static async Task<bool> PurgedAsync(TestNode node)
        {
            await node.Retainer.PurgeExpiredAsync();
            return node.Retainer.TombstoneCount == 0;
        }
    }

    /// <summary>The file opened by a node of a cluster of its own, as a node cut off from the others would be.</summary>
    private static async Task OnFileAloneAsync(string file, Func<TestNode, Task?> action)
    {
        var port = UnassignedPorts.Next();
        await using var alone = await TestNode.StartAsync(
            new ClusterSettings { Name = "broker-test-alone", Port = port, Seeds = [$"127.0.0.1:{port}"] }, file);
        await alone.Cluster.Retained.WhenSynchronized.WaitAsync(Bound);
        if (action(alone) is { } write)
        {
            await write;
        }
    }

    private static string Seed(TestNode node) => node.Name[(node.Name.IndexOf('@', StringComparison.Ordinal) + 1)..];

    private static int Port(TestNode node) => int.Parse(node.Name[(node.Name.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
}

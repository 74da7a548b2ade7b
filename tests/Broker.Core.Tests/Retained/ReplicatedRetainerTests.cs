using System.Collections.Concurrent;
using System.Text;
using Broker.Actors.Persistence;
using Broker.Core.Messaging;
using Broker.Core.Persistence;
using Broker.Core.Retained;
using Broker.Core.Tests.Routing;

namespace Broker.Core.Tests.Retained;

/// <summary>
/// The retainer of a node in a cluster: versions, last writer wins, tombstones (the cluster's transport is
/// Broker.Cluster's, tested there; here the replicator only records).
/// </summary>
public sealed class ReplicatedRetainerTests
{
    private readonly RouterFixture _f = new();

    [Fact]
    public void Any_order_of_the_same_changes_leaves_the_same_message_on_every_node()
    {
        var changes = new[]
        {
            Set("t", "a", 100, "n1"),
            Set("t", "b", 100, "n2"), // the same millisecond: n2 > n1
            Deletion("t", 99, "n3"),
            Set("t", "c", 50, "n3"),
        };

        foreach (var order in Permutations(changes))
        {
            var node = Node();
            foreach (var change in order.Concat(order))
            {
                node.Retainer.ApplyRemote(change);
            }

            Assert.Equal("b", Payload(node.Retainer, "t"));
            Assert.Equal(new RetainedVersion(100, "n2"), node.Retainer.FindChange("t")!.Version);
        }
    }

    [Fact]
    public void A_deletion_is_kept_as_a_tombstone_that_an_older_set_cannot_pass_until_it_is_forgotten()
    {
        var node = Node(retention: TimeSpan.FromMinutes(10));
        var now = _f.NowMs;
        Assert.True(node.Retainer.ApplyRemote(Set("t", "a", now, "n2")));
        Assert.True(node.Retainer.ApplyRemote(Deletion("t", now + 1, "n3")));

        Assert.False(node.Retainer.ApplyRemote(Set("t", "a", now, "n2")));
        Assert.Null(Payload(node.Retainer, "t"));
        Assert.Equal(1, node.Retainer.TombstoneCount);

        _f.Clock.Advance(TimeSpan.FromMinutes(10));
        _ = node.Retainer.PurgeExpiredAsync();
        Assert.Equal(1, node.Retainer.TombstoneCount);
        _f.Clock.Advance(TimeSpan.FromMilliseconds(2));
        _ = node.Retainer.PurgeExpiredAsync();
        Assert.Equal(0, node.Retainer.TombstoneCount);
        Assert.Null(node.Retainer.FindChange("t"));
    }

    [Fact]
    public void A_change_made_here_is_stamped_after_everything_seen_of_its_topic_even_from_a_clock_ahead()
    {
        var node = Node();
        var ahead = _f.NowMs + 60_000;
        node.Retainer.ApplyRemote(Set("t", "from the future", ahead, "n9"));

        Assert.Null(node.Retainer.Store(_f.Message("t", "here", retain: true)));

        Assert.Equal("here", Payload(node.Retainer, "t"));
        var change = Assert.Single(node.Replicator.Changes);
        Assert.Equal(new RetainedVersion(ahead + 1, "n1"), change.Version);
        Assert.Same(node.Retainer.FindChange("t")!.Message, change.Message);

        Assert.Null(node.Retainer.Store(_f.Message("other", "here", retain: true)));
        Assert.Equal(new RetainedVersion(_f.NowMs, "n1"), node.Replicator.Changes.Last().Version);
    }

    [Fact]
    public void A_deletion_made_here_is_replicated_as_a_tombstone()
    {
        var node = Node();
        node.Retainer.Store(_f.Message("t", "a", retain: true));

        node.Retainer.Store(_f.Message("t", "", retain: true));

        Assert.True(node.Replicator.Changes.Last().IsDeletion);
        Assert.True(node.Retainer.FindChange("t")!.IsDeletion);
        Assert.Equal(0, node.Retainer.Messages.Count);
    }

    [Fact]
    public void A_set_that_expired_on_its_way_deletes_what_it_replaces()
    {
        var node = Node();
        node.Retainer.ApplyRemote(Set("t", "old", _f.NowMs - 10, "n2"));
        var expired = new RetainedChange("t", _f.Message("t", "late", retain: true, expirySeconds: 1) with { ReceivedAtMs = _f.NowMs - 5_000 }, new RetainedVersion(_f.NowMs, "n3"));

        Assert.True(node.Retainer.ApplyRemote(expired));

        Assert.Null(Payload(node.Retainer, "t"));
        Assert.True(node.Retainer.FindChange("t")!.IsDeletion);
        Assert.DoesNotContain(node.Retainer.Snapshot(), c => c.Message is not null);
    }

    [Fact]
    public async Task A_change_storage_refuses_is_undone_version_included_and_never_replicated()
    {
        var node = Node(store: new RefusingStore());
        node.Retainer.ApplyRemote(Set("t", "cluster's", _f.NowMs, "n2"));
        var before = node.Retainer.FindChange("t");

        await Assert.ThrowsAsync<IOException>(() => node.Retainer.Store(_f.Message("t", "refused", retain: true))!);

        Assert.Empty(node.Replicator.Changes);
        Assert.Equal("cluster's", Payload(node.Retainer, "t"));
        Assert.Same(before, node.Retainer.FindChange("t"));
    }

    [Fact]
    public async Task Loaded_messages_get_the_stored_version_which_the_clusters_copy_of_the_same_message_beats()
    {
        var store = new MemoryStore();
        var first = new Retainer(_f.Clock, new RetainedMessagePersistence(store));
        await first.Store(_f.Message("t", "a", retain: true))!;

        var node = Node(store: store);
        await node.Retainer.LoadAsync();

        var loaded = node.Retainer.FindChange("t")!;
        Assert.Equal(RetainedVersion.Stored(loaded.Message!), loaded.Version);
        Assert.True(node.Retainer.ApplyRemote(new RetainedChange("t", loaded.Message, new RetainedVersion(loaded.Version.TimestampMs, "n2"))));
        Assert.False(node.Retainer.ApplyRemote(new RetainedChange("t", loaded.Message, new RetainedVersion(loaded.Version.TimestampMs - 1, "n2"))));
    }

    [Fact]
    public void Forget_drops_an_entry_only_while_it_is_unchanged()
    {
        var node = Node();
        node.Retainer.ApplyRemote(Set("t", "a", 10, "n2"));
        var old = node.Retainer.FindChange("t")!;
        node.Retainer.ApplyRemote(Set("t", "b", 11, "n2"));

        Assert.False(node.Retainer.Forget(old));
        Assert.True(node.Retainer.Forget(node.Retainer.FindChange("t")!));
        Assert.Null(node.Retainer.FindChange("t"));
        Assert.Equal(0, node.Retainer.Messages.Count);
    }

    [Fact]
    public void A_node_of_its_own_keeps_no_versions()
    {
        Assert.Null(_f.Retainer.Store(_f.Message("t", "a", retain: true)));

        Assert.Equal(0, _f.Retainer.TombstoneCount);
        Assert.Throws<InvalidOperationException>(() => _f.Retainer.FindChange("t"));
    }

    private (Retainer Retainer, RecordingReplicator Replicator) Node(TimeSpan? retention = null, IDurableStateStore? store = null)
    {
        var replicator = new RecordingReplicator(retention ?? TimeSpan.FromHours(1));
        return (new Retainer(_f.Clock, store is null ? null : new RetainedMessagePersistence(store), replicator), replicator);
    }

    private RetainedChange Set(string topic, string payload, long at, string node) =>
        new(topic, _f.Message(topic, payload, retain: true), new RetainedVersion(at, node));

    private static RetainedChange Deletion(string topic, long at, string node) => new(topic, null, new RetainedVersion(at, node));

    private static string? Payload(Retainer retainer, string topic) =>
        retainer.Match(topic) is [var message] ? Encoding.UTF8.GetString(message.Payload.Span) : null;

    private static IEnumerable<T[]> Permutations<T>(T[] items) =>
        items.Length <= 1
            ? [items]
            : items.SelectMany((item, i) => Permutations([.. items[..i], .. items[(i + 1)..]]).Select(rest => (T[])[item, .. rest]));

    private sealed class RecordingReplicator(TimeSpan retention) : IRetainedReplicator
    {
        public List<RetainedChange> Changes { get; } = [];

        public string NodeName => "n1";

        public TimeSpan TombstoneRetention => retention;

        public void Changed(RetainedChange change) => Changes.Add(change);
    }

    private sealed class RefusingStore : IDurableStateStore
    {
        public DurableStateStatistics Statistics => default;

        public async Task UpsertAsync(string kind, string key, string manifest, byte[] payload)
        {
            await Task.Yield();
            throw new IOException("disk gone");
        }

        public Task DeleteAsync(string kind, string key) => Task.CompletedTask;

        public IAsyncEnumerable<DurableStateEntry> LoadAllAsync(string kind, CancellationToken cancellationToken = default) => AsyncEnumerable.Empty<DurableStateEntry>();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class MemoryStore : IDurableStateStore
    {
        private readonly ConcurrentDictionary<string, DurableStateEntry> _rows = new();

        public DurableStateStatistics Statistics => default;

        public Task UpsertAsync(string kind, string key, string manifest, byte[] payload)
        {
            _rows[key] = new DurableStateEntry(kind, key, manifest, payload);
            return Task.CompletedTask;
        }

        public Task DeleteAsync(string kind, string key)
        {
            _rows.TryRemove(key, out _);
            return Task.CompletedTask;
        }

        public IAsyncEnumerable<DurableStateEntry> LoadAllAsync(string kind, CancellationToken cancellationToken = default) => _rows.Values.ToAsyncEnumerable();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

using Broker.Actors.Persistence;
using Broker.Transport.Messaging;
using Broker.Transport.Persistence;
using Broker.Transport.Routing;
using Broker.Transport.Tests.Routing;
using Microsoft.Extensions.Logging;

namespace Broker.Transport.Tests.Persistence;

/// <summary>What the router and the retained persistence do when the store fails, and without a store.</summary>
public sealed class RetainedWriteFailureTests
{
    private readonly RouterFixture _f = new();

    [Fact]
    public async Task A_failed_retained_write_faults_the_publishers_task_and_is_logged_with_the_topic()
    {
        var logger = new RecordingLogger();
        var router = new Router("n1", SharedSubscriptionStrategy.Random, _f.Clock, _f.Metrics)
        {
            RetainedPersistence = new RetainedMessagePersistence(new FailingStore(), logger),
        };
        var subscriber = new RecordingSession("s");
        router.Subscribe("s", subscriber, "a/#", RouterFixture.QoS1, 0);

        var delivered = router.Publish(_f.Message("a/b", retain: true), null, out var write);

        Assert.Equal(1, delivered);
        Assert.Single(subscriber.Delivered);
        await Assert.ThrowsAsync<IOException>(() => write!);
        Assert.True(
            logger.WaitFor(l => l.Level == LogLevel.Warning && l.Message.Contains("a/b") && l.Message.Contains("disk gone"), TimeSpan.FromSeconds(5)),
            $"No warning naming the topic and the cause; logged: {string.Join(" | ", logger.Lines.Select(l => l.Message))}");
    }

    [Fact]
    public async Task A_refused_retained_change_is_undone_in_memory_so_a_restart_cannot_change_what_is_served()
    {
        var kept = _f.Message("a/b", "kept", retain: true);
        var failing = new Router("n1", SharedSubscriptionStrategy.Random, _f.Clock, _f.Metrics)
        {
            RetainedPersistence = new RetainedMessagePersistence(new FailingStore()),
        };
        failing.Retained.Retain(kept);

        failing.Publish(_f.Message("a/b", "refused", retain: true), null, out var replace);
        await Assert.ThrowsAsync<IOException>(() => replace!);
        failing.Publish(_f.Message("a/b", "", retain: true), null, out var delete);
        await Assert.ThrowsAsync<IOException>(() => delete!);
        failing.Publish(_f.Message("new/topic", "refused", retain: true), null, out var add);
        await Assert.ThrowsAsync<IOException>(() => add!);

        Assert.Same(kept, failing.Retained.Find("a/b"));
        Assert.Equal(1, failing.Retained.Count);
    }

    [Fact]
    public void Without_persistence_a_retained_publish_has_no_write_to_wait_for()
    {
        _f.Router.Publish(_f.Message("a/b", retain: true), null, out var write);

        Assert.Null(write);
        Assert.Single(_f.Router.Retained.Match("a/b", _f.NowMs));
    }

    [Fact]
    public void An_expired_message_has_no_write_to_wait_for()
    {
        var router = new Router("n1", SharedSubscriptionStrategy.Random, _f.Clock, _f.Metrics)
        {
            RetainedPersistence = new RetainedMessagePersistence(new FailingStore()),
        };
        var message = _f.Message("a", retain: true, expirySeconds: 1);
        _f.Clock.Advance(TimeSpan.FromSeconds(1));

        router.Publish(message, null, out var write);

        Assert.Null(write);
        Assert.Equal(0, router.Retained.Count);
    }

    [Fact]
    public async Task A_router_without_persistence_purges_memory_only()
    {
        _f.Router.Publish(_f.Message("a", retain: true, expirySeconds: 1));
        _f.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(1, await _f.Router.PurgeExpiredRetainedAsync());
        Assert.Equal(0, _f.Router.Retained.Count);
    }

    private sealed class FailingStore : IDurableStateStore
    {
        public DurableStateStatistics Statistics => default;

        public Task UpsertAsync(string kind, string key, string manifest, byte[] payload) => Fail();

        public Task DeleteAsync(string kind, string key) => Fail();

        public IAsyncEnumerable<DurableStateEntry> LoadAllAsync(string kind, CancellationToken cancellationToken = default) =>
            throw new IOException("disk gone");

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        // Faults later, as a real commit does, not before the write is handed back.
        private static async Task Fail()
        {
            await Task.Yield();
            throw new IOException("disk gone");
        }
    }
}

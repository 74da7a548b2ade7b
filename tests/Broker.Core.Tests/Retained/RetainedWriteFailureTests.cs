using Broker.Actors.Persistence;
using Broker.Core.Messaging;
using Broker.Core.Persistence;
using Broker.Core.Retained;
using Broker.Core.Tests.Persistence;
using Broker.Core.Tests.Routing;
using Broker.Core.Tests.Sessions.Support;
using Microsoft.Extensions.Logging;

namespace Broker.Core.Tests.Retained;

/// <summary>What the retainer and the retained persistence do when the store fails, and without a store.</summary>
public sealed class RetainedWriteFailureTests
{
    private readonly RouterFixture _f = new();
    private readonly RecordingActor _publisher = new();

    [Fact]
    public async Task A_failed_retained_write_faults_its_task_and_is_logged_with_the_topic()
    {
        var logger = new RecordingLogger();
        var retainer = new Retainer(_f.Clock, new RetainedMessagePersistence(new FailingStore(), logger));

        var write = retainer.Store(_f.Message("a/b", retain: true));

        await Assert.ThrowsAsync<IOException>(() => write!);
        Assert.True(
            logger.WaitFor(l => l.Level == LogLevel.Warning && l.Message.Contains("a/b") && l.Message.Contains("disk gone"), TimeSpan.FromSeconds(5)),
            $"No warning naming the topic and the cause; logged: {string.Join(" | ", logger.Lines.Select(l => l.Message))}");
    }

    [Fact]
    public async Task A_refused_retained_change_is_undone_in_memory_so_a_restart_cannot_change_what_is_served()
    {
        var kept = _f.Message("a/b", "kept", retain: true);
        var failing = new Retainer(_f.Clock, new RetainedMessagePersistence(new FailingStore()));
        failing.Messages.Retain(kept);

        await Assert.ThrowsAsync<IOException>(() => failing.Store(_f.Message("a/b", "refused", retain: true))!);
        await Assert.ThrowsAsync<IOException>(() => failing.Store(_f.Message("a/b", "", retain: true))!);
        await Assert.ThrowsAsync<IOException>(() => failing.Store(_f.Message("new/topic", "refused", retain: true))!);

        Assert.Same(kept, failing.Messages.Find("a/b"));
        Assert.Equal(1, failing.Messages.Count);
    }

    [Fact]
    public void A_refused_retained_write_fails_a_commit_that_waits_for_storage()
    {
        var failing = new Retainer(_f.Clock, new RetainedMessagePersistence(new FailingStore()));
        var commit = new PublishCommit(_publisher, waitsForStorage: true).Begin(1);

        failing.Retain(_f.Message("a/b", retain: true), commit);

        commit.Seal();
        Assert.True(SpinWait.SpinUntil(() => commit.IsComplete, TimeSpan.FromSeconds(5)), "the refused write never left the commit");
        Assert.True(commit.Failed);
    }

    [Fact]
    public void Without_persistence_a_retained_publish_has_no_write_to_wait_for()
    {
        Assert.Null(_f.Retainer.Store(_f.Message("a/b", retain: true)));
        Assert.Single(_f.Retainer.Messages.Match("a/b", _f.NowMs));
    }

    [Fact]
    public void An_expired_publish_reaches_no_storage()
    {
        var store = new FailingStore();
        var f = new RouterFixture(retained: new RetainedMessagePersistence(store));
        var message = f.Message("a", retain: true, expirySeconds: 1);
        f.Clock.Advance(TimeSpan.FromSeconds(1));

        f.Router.Publish(message);

        Assert.Equal(0, store.Writes);
        Assert.Equal(0, f.Retainer.Messages.Count);
    }

    [Fact]
    public async Task A_retainer_without_persistence_purges_memory_only()
    {
        Assert.Null(_f.Retainer.Store(_f.Message("a", retain: true, expirySeconds: 1)));
        _f.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(1, await _f.Retainer.PurgeExpiredAsync());
        Assert.Equal(0, _f.Retainer.Messages.Count);
    }

    private sealed class FailingStore : IDurableStateStore
    {
        private int _writes;

        public int Writes => Volatile.Read(ref _writes);

        public DurableStateStatistics Statistics => default;

        public Task UpsertAsync(string kind, string key, string manifest, byte[] payload) => Fail();

        public Task DeleteAsync(string kind, string key) => Fail();

        public IAsyncEnumerable<DurableStateEntry> LoadAllAsync(string kind, CancellationToken cancellationToken = default) =>
            throw new IOException("disk gone");

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        // Faults later, as a real commit does, not before the write is handed back.
        private async Task Fail()
        {
            Interlocked.Increment(ref _writes);
            await Task.Yield();
            throw new IOException("disk gone");
        }
    }
}

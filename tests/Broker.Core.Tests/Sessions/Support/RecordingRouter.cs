using Broker.Actors;
using Broker.Core.Messaging;
using Broker.Core.Routing;
using Broker.Mqtt.Packets;
using Xunit.Sdk;

namespace Broker.Core.Tests.Sessions.Support;

/// <summary>An <see cref="IRouter"/> that records every call; retained messages and publish results are set by the test.</summary>
internal sealed class RecordingRouter : IRouter
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly object _gate = new();
    private readonly List<ApplicationMessage> _published = [];
    private readonly List<SubscribeCall> _subscribed = [];
    private readonly List<string> _unsubscribed = [];
    private readonly List<RedispatchCall> _redispatched = [];
    private readonly Dictionary<string, List<ApplicationMessage>> _retained = [];

    private readonly List<PublishCommit> _commits = [];

    /// <summary>What <see cref="Publish"/> answers: the number of deliveries.</summary>
    public int PublishResult { get; set; } = 1;

    /// <summary>Joins every <see cref="PublishCommit"/> it is given, as a durable subscriber would, so that the test completes it.</summary>
    public bool JoinCommits { get; set; }

    public IReadOnlyList<PublishCommit> Commits => Snapshot(_commits);

    public IReadOnlyList<ApplicationMessage> Published => Snapshot(_published);

    public IReadOnlyList<SubscribeCall> Subscribed => Snapshot(_subscribed);

    public IReadOnlyList<string> Unsubscribed => Snapshot(_unsubscribed);

    public IReadOnlyList<RedispatchCall> Redispatched => Snapshot(_redispatched);

    public void AddRetained(string filter, ApplicationMessage message)
    {
        lock (_gate)
        {
            if (!_retained.TryGetValue(filter, out var list))
            {
                _retained[filter] = list = [];
            }

            list.Add(message);
        }
    }

    public bool Subscribe(string clientId, IActorRef session, string filter, SubscriptionOptions options, int subscriptionId, bool durable = false, ISubscriberRoom? room = null) =>
        Record(_subscribed, new SubscribeCall(clientId, session, filter, options, subscriptionId, durable), true);

    public bool Unsubscribe(string clientId, string filter) => Record(_unsubscribed, filter, false);

    public int Publish(ApplicationMessage message, IInboundCredit? credit = null, PublishCommit? commit = null)
    {
        if (JoinCommits && commit is not null)
        {
            commit.Join();
            Record(_commits, commit, 0);
        }

        return Record(_published, message, PublishResult);
    }

    public bool RedispatchShared(string shareGroup, string filter, ApplicationMessage message, string excludeClientId) =>
        Record(_redispatched, new RedispatchCall(shareGroup, filter, message, excludeClientId), true);

    public IReadOnlyList<ApplicationMessage> GetRetained(string filter)
    {
        lock (_gate)
        {
            return _retained.TryGetValue(filter, out var list) ? [.. list] : [];
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds for this router (checked after every call).</summary>
    public void WaitUntil(Func<RecordingRouter, bool> condition, string what)
    {
        lock (_gate)
        {
            var deadline = DateTime.UtcNow + Timeout;
            while (!condition(this))
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left) && !condition(this))
                {
                    throw new XunitException($"The router did not see {what} within {Timeout}.");
                }
            }
        }
    }

    private TResult Record<T, TResult>(List<T> list, T item, TResult result)
    {
        lock (_gate)
        {
            list.Add(item);
            Monitor.PulseAll(_gate);
            return result;
        }
    }

    private IReadOnlyList<T> Snapshot<T>(List<T> list)
    {
        lock (_gate)
        {
            return [.. list];
        }
    }

    public sealed record SubscribeCall(string ClientId, IActorRef Session, string Filter, SubscriptionOptions Options, int SubscriptionId, bool Durable = false);

    public sealed record RedispatchCall(string ShareGroup, string Filter, ApplicationMessage Message, string ExcludeClientId);
}

using Broker.Core.Messaging;
using Broker.Core.Routing;
using Broker.Core.Tests.Sessions.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Core.Tests.Routing;

/// <summary>
/// A client whose non-shared subscriptions overlap gets one <see cref="Deliver"/> per message, carrying every
/// subscription that matched [MQTT-3.3.4-2], [MQTT-3.3.4-4]; the session turns it into one PUBLISH
/// (SessionStateOverlapTests).
/// </summary>
public sealed class OverlappingSubscriptionTests
{
    private static readonly SubscriptionOptions QoS0 = new(QualityOfService.AtMostOnce);
    private static readonly SubscriptionOptions QoS2 = new(QualityOfService.ExactlyOnce);

    private readonly RouterFixture _f = new();

    [Fact]
    public void MQTT_3_3_4_4_two_overlapping_filters_of_one_client_make_one_deliver_with_both_subscriptions()
    {
        var session = new RecordingSession("c1");
        _f.Routes.Subscribe("c1", session, "a/+", RouterFixture.QoS1, 2);
        _f.Routes.Subscribe("c1", session, "a/#", RouterFixture.QoS1, 3);

        Assert.Equal(1, _f.Dispatcher.Dispatch(_f.Message("a/b")));

        var delivered = Assert.Single(session.Delivered);
        Assert.Equal([new SubscriptionMatch("a/+", RouterFixture.QoS1, 2), new SubscriptionMatch("a/#", RouterFixture.QoS1, 3)], delivered.Matches.OrderBy(m => m.SubscriptionId));
        Assert.Equal([2, 3], delivered.SubscriptionIdentifiers().Order());
        Assert.Null(delivered.ShareGroup);
    }

    [Fact]
    public void MQTT_3_3_4_2_the_one_deliver_carries_the_highest_granted_QoS_of_the_matches()
    {
        var session = new RecordingSession("c1");
        _f.Routes.Subscribe("c1", session, "a/b", QoS0, 0);
        _f.Routes.Subscribe("c1", session, "a/+", QoS2, 0);
        _f.Routes.Subscribe("c1", session, "#", RouterFixture.QoS1, 0);

        Assert.Equal(1, _f.Dispatcher.Dispatch(_f.Message("a/b")));

        var delivered = Assert.Single(session.Delivered);
        Assert.Equal(3, delivered.Matches.Length);
        Assert.Equal(QualityOfService.ExactlyOnce, delivered.MaximumQoS);
        Assert.Empty(delivered.SubscriptionIdentifiers());
    }

    [Fact]
    public void Clients_on_several_matching_filters_each_get_one_deliver_with_their_own_matches()
    {
        var one = new RecordingSession("c1");
        var two = new RecordingSession("c2");
        var three = new RecordingSession("c3");
        _f.Routes.Subscribe("c1", one, "a/b", RouterFixture.QoS1, 1);
        _f.Routes.Subscribe("c2", two, "a/b", RouterFixture.QoS1, 2);
        _f.Routes.Subscribe("c2", two, "a/+", RouterFixture.QoS1, 3);
        _f.Routes.Subscribe("c3", three, "a/#", RouterFixture.QoS1, 4);

        Assert.Equal(3, _f.Dispatcher.Dispatch(_f.Message("a/b")));

        Assert.Equal([1], Assert.Single(one.Delivered).SubscriptionIdentifiers());
        Assert.Equal([2, 3], Assert.Single(two.Delivered).SubscriptionIdentifiers().Order());
        Assert.Equal([4], Assert.Single(three.Delivered).SubscriptionIdentifiers());
    }

    [Fact]
    public void Shared_and_plain_subscriptions_of_one_client_stay_two_deliveries()
    {
        var session = new RecordingSession("c1");
        _f.Routes.Subscribe("c1", session, "$share/g/a/+", RouterFixture.QoS1, 1);
        _f.Routes.Subscribe("c1", session, "a/b", RouterFixture.QoS1, 2);
        _f.Routes.Subscribe("c1", session, "a/#", RouterFixture.QoS1, 3);

        Assert.Equal(2, _f.Dispatcher.Dispatch(_f.Message("a/b")));

        var shared = Assert.Single(session.Delivered, d => d.ShareGroup is not null);
        Assert.Equal(("g", "$share/g/a/+", 1), (shared.ShareGroup, shared.Filter, Assert.Single(shared.Matches).SubscriptionId));
        var plain = Assert.Single(session.Delivered, d => d.ShareGroup is null);
        Assert.Equal([2, 3], plain.SubscriptionIdentifiers().Order());
    }

    [Fact]
    public void MQTT_3_8_3_3_a_no_local_subscription_adds_nothing_to_the_copy_of_the_clients_own_message()
    {
        var session = new RecordingSession("c1");
        _f.Routes.Subscribe("c1", session, "a/#", new SubscriptionOptions(QualityOfService.ExactlyOnce, NoLocal: true), 1);
        _f.Routes.Subscribe("c1", session, "a/b", QoS0, 2);

        Assert.Equal(1, _f.Dispatcher.Dispatch(_f.Message("a/b", publisher: "c1")));
        Assert.Equal(new SubscriptionMatch("a/b", QoS0, 2), Assert.Single(Assert.Single(session.Delivered).Matches));

        session.Clear();
        Assert.Equal(1, _f.Dispatcher.Dispatch(_f.Message("a/b", publisher: "other")));
        Assert.Equal(2, Assert.Single(session.Delivered).Matches.Length);
    }

    [Fact]
    public void Credit_and_commit_are_taken_once_per_deliver_told_not_per_match()
    {
        var session = new RecordingSession("c1");
        _f.Routes.Subscribe("c1", session, "a/+", RouterFixture.QoS1, 1, durable: true);
        _f.Routes.Subscribe("c1", session, "a/#", QoS0, 2, durable: true);
        var credit = new CountingCredit();
        var commit = new PublishCommit(new RecordingSession("publisher"), waitsForStorage: true).Begin(1);

        Assert.Equal(1, _f.Dispatcher.Dispatch(_f.Message("a/b"), credit, commit));

        var delivered = Assert.Single(session.Delivered);
        Assert.Equal(1, credit.Taken);
        Assert.Same(credit, delivered.Credit);
        Assert.Same(commit, delivered.Commit);
        delivered.Commit!.Succeed();
        Assert.True(commit.Seal(), "one join for the one deliver");
    }

    [Fact]
    public void A_fan_out_of_thousands_of_clients_on_overlapping_filters_gives_each_client_one_deliver()
    {
        var sessions = new RecordingSession[3000];
        for (var i = 0; i < sessions.Length; i++)
        {
            sessions[i] = _f.Subscribe($"c{i}", "f/+", subscriptionId: 1);
            if (i % 2 == 0)
            {
                _f.Routes.Subscribe($"c{i}", sessions[i], "f/#", RouterFixture.QoS1, 2);
            }
        }

        for (var round = 1; round <= 2; round++)
        {
            Assert.Equal(sessions.Length, _f.Dispatcher.Dispatch(_f.Message("f/x")));
            Assert.All(sessions, (s, i) => Assert.Equal(i % 2 == 0 ? [1, 2] : [1], s.Delivered[^1].SubscriptionIdentifiers().Order()));
            Assert.All(sessions, s => Assert.Equal(round, s.Delivered.Count));
        }
    }

    [Fact]
    public void Publishes_after_a_grouped_one_start_from_an_empty_grouping()
    {
        var session = new RecordingSession("c1");
        _f.Routes.Subscribe("c1", session, "a/+", RouterFixture.QoS1, 1);
        _f.Routes.Subscribe("c1", session, "a/#", RouterFixture.QoS1, 2);
        var other = _f.Subscribe("c2", "x/+", subscriptionId: 3);
        _f.Subscribe("c3", "x/#", subscriptionId: 4);

        _f.Dispatcher.Dispatch(_f.Message("a/b"));
        Assert.Equal(2, _f.Dispatcher.Dispatch(_f.Message("x/y")));

        Assert.Equal([1, 2], Assert.Single(session.Delivered).SubscriptionIdentifiers().Order());
        Assert.Equal([3], Assert.Single(other.Delivered).SubscriptionIdentifiers());
    }
}

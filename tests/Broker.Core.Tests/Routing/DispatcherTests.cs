using Broker.Core.Routing;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Core.Tests.Routing;

/// <summary>Which sessions a message is told to, through the node and local tables.</summary>
public sealed class DispatcherTests
{
    private readonly RouterFixture _f = new();

    [Fact]
    public void Dispatch_tells_one_deliver_per_matching_subscription_with_its_options()
    {
        var options = new SubscriptionOptions(QualityOfService.ExactlyOnce, RetainAsPublished: true);
        var exact = _f.Subscribe("c1", "a/b", options, subscriptionId: 5);
        var wildcard = _f.Subscribe("c2", "a/+");
        var other = _f.Subscribe("c3", "x/#");
        var message = _f.Message("a/b");

        Assert.Equal(2, _f.Dispatcher.Dispatch(message));

        var delivered = Assert.Single(exact.Delivered);
        Assert.Equal(new SubscriptionMatch("a/b", options, 5), Assert.Single(delivered.Matches));
        Assert.Equal((null, false), (delivered.ShareGroup, delivered.FromRetained));
        Assert.Same(message, delivered.Message);
        Assert.Equal("a/+", Assert.Single(wildcard.Delivered).Filter);
        Assert.Empty(other.Delivered);
    }

    [Fact]
    public void Dispatch_with_no_match_delivers_nothing()
    {
        _f.Subscribe("c1", "a/b");

        Assert.Equal(0, _f.Dispatcher.Dispatch(_f.Message("a/c")));
    }

    [Fact]
    public void MQTT_3_8_4_3_a_replaced_subscription_delivers_with_its_new_options_to_its_new_session()
    {
        var first = new RecordingSession("c1");
        var second = new RecordingSession("c1-again");
        _f.Routes.Subscribe("c1", first, "a/b", RouterFixture.QoS1, 1);
        var replaced = new SubscriptionOptions(QualityOfService.AtMostOnce, NoLocal: true);
        _f.Routes.Subscribe("c1", second, "a/b", replaced, 9);

        Assert.Equal(1, _f.Dispatcher.Dispatch(_f.Message("a/b")));
        Assert.Empty(first.Delivered);
        var delivered = Assert.Single(second.Delivered);
        Assert.Equal(new SubscriptionMatch("a/b", replaced, 9), Assert.Single(delivered.Matches));
    }

    [Fact]
    public void MQTT_3_8_3_3_no_local_subscription_does_not_get_its_own_messages()
    {
        var session = _f.Subscribe("c1", "a", new SubscriptionOptions(QualityOfService.AtLeastOnce, NoLocal: true));

        Assert.Equal(0, _f.Dispatcher.Dispatch(_f.Message("a", publisher: "c1")));
        Assert.Equal(1, _f.Dispatcher.Dispatch(_f.Message("a", publisher: "c2")));
        Assert.Single(session.Delivered);
    }

    [Fact]
    public void MQTT_3_10_4_1_an_unsubscribed_filter_delivers_nothing()
    {
        var session = _f.Subscribe("c1", "a/+");
        _f.Routes.Unsubscribe("c1", "a/+");

        Assert.Equal(0, _f.Dispatcher.Dispatch(_f.Message("a/b")));
        Assert.Empty(session.Delivered);
    }

    [Fact]
    public void Dispatch_with_a_credit_takes_one_per_deliver_and_each_deliver_carries_it()
    {
        var first = _f.Subscribe("c1", "a/b");
        var second = _f.Subscribe("c2", "$share/g/a/+");
        _f.Subscribe("c3", "x/#");
        var credit = new Sessions.Support.CountingCredit();

        Assert.Equal(2, _f.Dispatcher.Dispatch(_f.Message("a/b"), credit));

        Assert.Equal(2, credit.Taken);
        Assert.Same(credit, Assert.Single(first.Delivered).Credit);
        Assert.Same(credit, Assert.Single(second.Delivered).Credit);
    }

    [Fact]
    public void Routes_of_other_nodes_deliver_nothing_here()
    {
        _f.Routes.AddRemoteRoute("a/+", "n2");
        var local = _f.Subscribe("c1", "a/+");

        Assert.Equal(1, _f.Dispatcher.Dispatch(_f.Message("a/b")));
        Assert.Single(local.Delivered);

        _f.Routes.Unsubscribe("c1", "a/+");
        Assert.Equal(0, _f.Dispatcher.Dispatch(_f.Message("a/b")));
    }
}

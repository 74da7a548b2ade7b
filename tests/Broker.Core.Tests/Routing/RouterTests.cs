using Broker.Core.Routing;

namespace Broker.Core.Tests.Routing;

/// <summary>The sessions' entry: expiry checked first, then the retainer, then the dispatcher.</summary>
public sealed class RouterTests
{
    private readonly RouterFixture _f = new();

    [Fact]
    public void MQTT_3_3_2_5_message_expired_at_publish_is_neither_stored_nor_routed()
    {
        var session = _f.Subscribe("c1", "a");
        var message = _f.Message("a", retain: true, expirySeconds: 10);
        _f.Clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(0, _f.Router.Publish(message));
        Assert.Empty(session.Delivered);
        Assert.Equal(0, _f.Retainer.Messages.Count);
        Assert.Equal(1, _f.Metrics.MessagesExpired);
    }

    [Fact]
    public void Retained_publish_is_stored_and_delivered_as_published()
    {
        var session = _f.Subscribe("c1", "a/#");
        var message = _f.Message("a/b", retain: true);

        Assert.Equal(1, _f.Router.Publish(message));

        Assert.Same(message, Assert.Single(session.Delivered).Message);
        Assert.False(session.Delivered[0].FromRetained);
        Assert.Equal([message], _f.Router.GetRetained("a/+"));
    }

    [Fact]
    public void A_publish_without_RETAIN_leaves_the_retained_messages_alone()
    {
        _f.Router.Publish(_f.Message("a", retain: true));

        _f.Router.Publish(_f.Message("a", payload: ""));

        Assert.Single(_f.Router.GetRetained("a"));
    }

    [Fact]
    public void MQTT_3_3_1_6_empty_retained_publish_deletes_and_is_still_delivered()
    {
        _f.Router.Publish(_f.Message("a", retain: true));
        var session = _f.Subscribe("c1", "a");

        Assert.Equal(1, _f.Router.Publish(_f.Message("a", payload: "", retain: true)));
        Assert.Single(session.Delivered);
        Assert.Empty(_f.Router.GetRetained("a"));
    }

    [Fact]
    public void Expired_message_is_not_redispatched()
    {
        _f.Subscribe("a", "$share/g/t");
        var b = _f.Subscribe("b", "$share/g/t");
        var message = _f.Message("t", expirySeconds: 1);
        _f.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.False(_f.Router.RedispatchShared("g", "t", message, excludeClientId: "a"));
        Assert.Empty(b.Delivered);
        Assert.Equal(1, _f.Metrics.MessagesExpired);
    }
}

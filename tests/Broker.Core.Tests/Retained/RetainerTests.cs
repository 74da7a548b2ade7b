using Broker.Core.Tests.Routing;

namespace Broker.Core.Tests.Retained;

/// <summary>The retained messages a new subscription is given (3.3.1.3).</summary>
public sealed class RetainerTests
{
    private readonly RouterFixture _f = new();

    [Fact]
    public void Retained_messages_are_not_given_to_shared_filters()
    {
        Assert.Null(_f.Retainer.Store(_f.Message("a", retain: true)));

        Assert.Single(_f.Retainer.Match("a"));
        Assert.Empty(_f.Retainer.Match("$share/g/a"));
        Assert.Empty(_f.Retainer.Match("$queue/a"));
    }

    [Fact]
    public void MQTT_3_3_2_5_expired_retained_messages_are_not_given()
    {
        Assert.Null(_f.Retainer.Store(_f.Message("a", retain: true, expirySeconds: 1)));
        _f.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Empty(_f.Retainer.Match("a"));
    }
}

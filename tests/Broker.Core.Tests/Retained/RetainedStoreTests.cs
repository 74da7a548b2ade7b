using Broker.Core.Retained;
using Broker.Core.Tests.Routing;

namespace Broker.Core.Tests.Retained;

/// <summary>The retained messages and the filters that read them (3.3.1.3, 4.7).</summary>
public sealed class RetainedStoreTests
{
    private readonly RouterFixture _f = new();
    private readonly RetainedStore _store = new();

    [Fact]
    public void MQTT_3_3_1_5_retained_message_replaces_the_topics_previous_one()
    {
        _store.Retain(_f.Message("a/b", "1", retain: true));
        var second = _f.Message("a/b", "2", retain: true);
        _store.Retain(second);

        Assert.Equal([second], _store.Match("a/b", _f.NowMs));
        Assert.Equal(1, _store.Count);
    }

    [Fact]
    public void MQTT_3_3_1_7_empty_payload_deletes_and_is_not_stored()
    {
        _store.Retain(_f.Message("a/b", retain: true));
        _store.Retain(_f.Message("a/b", "", retain: true));
        _store.Retain(_f.Message("a/c", "", retain: true));

        Assert.Empty(_store.Match("#", _f.NowMs));
        Assert.Equal(0, _store.Count);
    }

    [Theory]
    [InlineData("a/b", "a/b")]
    [InlineData("a/+", "a/b a/c a/")]
    [InlineData("a/#", "a a/b a/c a/b/c a/")]
    [InlineData("+", "a b")]
    [InlineData("+/+", "a/b a/c a/ /x")]
    [InlineData("#", "a a/b a/c a/b/c a/ /x b")]
    [InlineData("+/b/#", "a/b a/b/c")]
    [InlineData("/+", "/x")]
    [InlineData("a/b/c/d", "")]
    [InlineData("z/#", "")]
    [InlineData("$SYS/#", "$SYS/uptime $SYS/x/y")]
    [InlineData("$SYS/+", "$SYS/uptime")]
    [InlineData("+/uptime", "")] // [MQTT-4.7.2-1]
    public void Filter_returns_the_retained_messages_it_matches(string filter, string expected)
    {
        foreach (var topic in new[] { "a", "a/b", "a/c", "a/b/c", "a/", "/x", "b", "$SYS/uptime", "$SYS/x/y" })
        {
            _store.Retain(_f.Message(topic, retain: true));
        }

        var topics = _store.Match(filter, _f.NowMs).Select(m => m.Topic).Order(StringComparer.Ordinal);

        Assert.Equal(expected.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal), topics);
    }

    [Fact]
    public void MQTT_3_3_2_5_expired_retained_message_is_not_returned_and_purge_frees_it()
    {
        _store.Retain(_f.Message("a", retain: true, expirySeconds: 5));
        _store.Retain(_f.Message("b", retain: true, expirySeconds: 50));
        _store.Retain(_f.Message("c", retain: true));
        _f.Clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(["b", "c"], _store.Match("+", _f.NowMs).Select(m => m.Topic).Order());
        Assert.Empty(_store.Match("a", _f.NowMs));
        Assert.Equal(3, _store.Count);

        Assert.Equal(1, _store.PurgeExpired(_f.NowMs));
        Assert.Equal(2, _store.Count);
    }

    [Fact]
    public void Deleting_prunes_and_keeps_the_other_topics()
    {
        _store.Retain(_f.Message("a/b/c", retain: true));
        _store.Retain(_f.Message("a", retain: true));

        Assert.True(_store.Delete("a/b/c"));
        Assert.False(_store.Delete("a/b/c"));
        Assert.False(_store.Delete("a/b"));

        Assert.Equal(["a"], _store.Match("#", _f.NowMs).Select(m => m.Topic));
    }

    [Fact]
    public void Topic_with_wildcard_is_refused() =>
        Assert.Throws<ArgumentException>(() => _store.Retain(_f.Message("a/+", retain: true)));
}

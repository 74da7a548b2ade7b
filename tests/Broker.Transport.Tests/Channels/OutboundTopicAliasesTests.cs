using System.Buffers;
using Broker.Transport.Channels;
using Broker.Transport.Mqtt.Packets;
using Broker.Transport.Mqtt.Properties;

namespace Broker.Transport.Tests.Channels;

public sealed class OutboundTopicAliasesTests
{
    [Fact]
    public void The_first_PUBLISH_to_a_topic_carries_the_topic_and_a_new_alias_later_ones_the_alias_alone()
    {
        var aliases = new OutboundTopicAliases(clientMaximum: 5);

        var first = aliases.Apply(Publish("a/b"));
        var second = aliases.Apply(Publish("a/b"));

        Assert.Equal("a/b", first.Topic);
        Assert.Equal((ushort)1, first.Properties.TopicAlias);
        Assert.Equal("", second.Topic);
        Assert.Equal((ushort)1, second.Properties.TopicAlias);
    }

    [Fact]
    public void Other_properties_and_the_payload_are_kept()
    {
        var aliases = new OutboundTopicAliases(5);
        var publish = Publish("t") with { Properties = new MqttProperties { ContentType = "json", SubscriptionIdentifiers = [4] } };

        var sent = aliases.Apply(publish);

        Assert.Equal("json", sent.Properties.ContentType);
        Assert.Equal([4], sent.Properties.SubscriptionIdentifiers);
        Assert.Equal(publish.Payload.ToArray(), sent.Payload.ToArray());
    }

    [Fact]
    public void MQTT_3_3_2_11_aliases_never_exceed_the_client_maximum_and_the_least_recently_used_is_replaced()
    {
        var aliases = new OutboundTopicAliases(clientMaximum: 2);
        aliases.Apply(Publish("one"));   // alias 1
        aliases.Apply(Publish("two"));   // alias 2
        aliases.Apply(Publish("one"));   // "two" is now the least recently used

        var three = aliases.Apply(Publish("three"));
        var two = aliases.Apply(Publish("two"));

        Assert.Equal("three", three.Topic);
        Assert.Equal((ushort)2, three.Properties.TopicAlias);
        // "two" lost its alias: it is sent in full again, taking the alias of "one", now the oldest.
        Assert.Equal("two", two.Topic);
        Assert.Equal((ushort)1, two.Properties.TopicAlias);
        Assert.Equal(2, aliases.Count);
    }

    [Fact]
    public void Many_topics_through_a_small_table_always_use_aliases_within_the_maximum()
    {
        var aliases = new OutboundTopicAliases(clientMaximum: 3);
        var known = new Dictionary<ushort, string>();
        var random = new Random(7);
        for (var i = 0; i < 1000; i++)
        {
            var topic = $"t/{random.Next(10)}";
            var sent = aliases.Apply(Publish(topic));
            var alias = sent.Properties.TopicAlias!.Value;
            Assert.InRange(alias, (ushort)1, (ushort)3);
            if (sent.Topic.Length != 0)
            {
                known[alias] = sent.Topic;
            }

            // What the client resolves is what was meant.
            Assert.Equal(topic, known[alias]);
        }
    }

    [Fact]
    public void A_client_maximum_of_0_is_not_a_table()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OutboundTopicAliases(0));
    }

    private static PublishPacket Publish(string topic) => new() { Topic = topic, Payload = new ReadOnlySequence<byte>(new byte[] { 1, 2 }) };
}

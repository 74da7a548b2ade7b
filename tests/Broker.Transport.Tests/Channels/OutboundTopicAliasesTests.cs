using Broker.Transport.Channels;

namespace Broker.Transport.Tests.Channels;

/// <summary>The table alone; what goes on the wire with it is the channel's (<see cref="OutgoingTests"/>).</summary>
public sealed class OutboundTopicAliasesTests
{
    [Fact]
    public void A_topic_has_no_alias_until_assigned_then_keeps_it()
    {
        var aliases = new OutboundTopicAliases(clientMaximum: 5);

        Assert.Equal(0, aliases.Find("a/b"));
        Assert.Equal(1, aliases.Next);
        Assert.Equal(1, aliases.Assign("a/b"));

        Assert.Equal(1, aliases.Find("a/b"));
        Assert.Equal(2, aliases.Next);
    }

    [Fact]
    public void MQTT_3_3_2_11_aliases_never_exceed_the_client_maximum_and_the_least_recently_used_is_replaced()
    {
        var aliases = new OutboundTopicAliases(clientMaximum: 2);
        aliases.Assign("one");   // alias 1
        aliases.Assign("two");   // alias 2
        aliases.Find("one");     // "two" is now the least recently used

        Assert.Equal(2, aliases.Next);
        Assert.Equal(2, aliases.Assign("three"));

        // "two" lost its alias: it is assigned again, taking the alias of "one", now the oldest.
        Assert.Equal(0, aliases.Find("two"));
        Assert.Equal(1, aliases.Assign("two"));
        Assert.Equal(0, aliases.Find("one"));
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
            var alias = aliases.Find(topic);
            if (alias == 0)
            {
                alias = aliases.Assign(topic);
                known[alias] = topic;
            }

            Assert.InRange(alias, (ushort)1, (ushort)3);

            // What the client resolves is what was meant.
            Assert.Equal(topic, known[alias]);
        }
    }

    [Fact]
    public void A_client_maximum_of_0_is_not_a_table()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OutboundTopicAliases(0));
    }
}

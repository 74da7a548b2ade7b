using Broker.Mqtt.Topics;

namespace Broker.Mqtt.Tests.Topics;

/// <summary>Topic names and filters (4.7) and shared subscriptions (4.8.2), with the specifications' examples.</summary>
public sealed class TopicValidatorTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("a/b")]
    [InlineData("/")]
    [InlineData("/finance")] // 4.7.1.3: a leading "/" makes a distinct, empty first level
    [InlineData("sport/tennis/player1")]
    [InlineData("sport/tennis/player1/ranking")]
    [InlineData("a//b")]
    [InlineData("a/")]
    [InlineData(" ")] // 4.7.3: spaces are allowed
    [InlineData("$SYS/monitor/Clients")] // 4.7.2: $ topics are valid names; the server decides who may use them
    [InlineData("$share/group/topic")] // only filters are shared; as a name it is just a name
    [InlineData("ünïcødé/𪛔")]
    public void Valid_topic_name_is_accepted(string topic) =>
        Assert.True(TopicValidator.IsValidTopicName(topic));

    [Theory]
    [InlineData("")] // [MQTT-4.7.3-1] at least one character
    [InlineData("+")] // [MQTT-3.3.2-2] no wildcards in a topic name
    [InlineData("#")]
    [InlineData("a/+")]
    [InlineData("a/#")]
    [InlineData("sport/tennis+")]
    [InlineData("a#b")]
    public void Invalid_topic_name_is_refused(string topic) =>
        Assert.False(TopicValidator.IsValidTopicName(topic));

    [Theory]
    [InlineData("#")]
    [InlineData("+")]
    [InlineData("+/+")]
    [InlineData("/+")]
    [InlineData("+/")]
    [InlineData("sport/#")] // 4.7.1.2: also matches "sport" itself
    [InlineData("sport/tennis/#")]
    [InlineData("sport/tennis/player1/#")]
    [InlineData("sport/+/player1")]
    [InlineData("+/tennis/#")]
    [InlineData("+/+/+/+")]
    [InlineData("a//b")]
    [InlineData("/")]
    [InlineData("$SYS/#")]
    [InlineData("ünïcødé/+/𪛔")]
    public void Valid_topic_filter_is_accepted(string filter) =>
        Assert.True(TopicValidator.IsValidFilter(filter));

    [Theory]
    [InlineData("")] // [MQTT-4.7.3-1]
    [InlineData("sport/tennis#")] // [MQTT-4.7.1-2] '#' alone in its level...
    [InlineData("sport/tennis/#/ranking")] // ...and the last level
    [InlineData("#/a")]
    [InlineData("a/#/b")]
    [InlineData("a/b#")]
    [InlineData("##")]
    [InlineData("sport+")] // [MQTT-4.7.1-3] '+' alone in its level
    [InlineData("a+")]
    [InlineData("+a/b")]
    [InlineData("a/++")]
    [InlineData("+#")]
    [InlineData("a/+b/c")]
    public void Invalid_topic_filter_is_refused(string filter) =>
        Assert.False(TopicValidator.IsValidFilter(filter));

    [Theory]
    [InlineData("$share/consumer1/sport/tennis/+")] // 4.8.2 example
    [InlineData("$share/consumer2/sport/tennis/+")]
    [InlineData("$share/consumer1//finance")] // 4.8.2 example: the filter "/finance"
    [InlineData("$share/g/#")]
    [InlineData("$share/g/+")]
    [InlineData("$share/g//")]
    [InlineData("$share/a-b.c_d/x")]
    [InlineData("$queue/a/b")] // EMQX's group-less form
    [InlineData("$queue/#")]
    public void Valid_shared_subscription_is_accepted_and_is_shared(string filter)
    {
        Assert.True(TopicValidator.IsValidFilter(filter));
        Assert.True(TopicValidator.IsShared(filter));
    }

    [Theory]
    [InlineData("$share/")] // [MQTT-4.8.2-1] a share name of at least one character...
    [InlineData("$share//x")]
    [InlineData("$share/g")] // [MQTT-4.8.2-2] ...then "/" and a topic filter
    [InlineData("$share/g/")]
    [InlineData("$share/g+/x")] // the share name holds no "+", "#" (or "/")
    [InlineData("$share/+/x")]
    [InlineData("$share/g#/x")]
    [InlineData("$share/#/x")]
    [InlineData("$share/g/a/#/b")] // the filter itself follows 4.7.1
    [InlineData("$share/g/a+")]
    [InlineData("$queue/")]
    [InlineData("$queue/a#")]
    public void Invalid_shared_subscription_is_refused(string filter) =>
        Assert.False(TopicValidator.IsValidFilter(filter));

    [Theory]
    [InlineData("$share")]
    [InlineData("$shared/g/x")]
    [InlineData("$SHARE/g/x")]
    [InlineData("share/g/x")]
    [InlineData("a/$share/g/x")]
    [InlineData("$queue")]
    public void Filter_that_only_looks_like_a_shared_subscription_is_a_plain_filter(string filter)
    {
        Assert.True(TopicValidator.IsValidFilter(filter));
        Assert.False(TopicValidator.IsShared(filter));
    }
}

using Broker.Mqtt.Topics;

namespace Broker.Mqtt.Tests.Topics;

public sealed class TopicMatchTests
{
    [Theory]
    [InlineData("plant/+/line/#", "plant/building2/line/press/temp", true)]
    [InlineData("plant/+/line/#", "plant/building2/line", true)] // # matches the parent level too [MQTT-4.7.1-2]
    [InlineData("plant/+/line", "plant/building2/line/press", false)]
    [InlineData("plant/+", "plant", false)]
    [InlineData("+/+", "/plant", true)] // an empty level is a level
    [InlineData("#", "$SYS/brokers", false)] // [MQTT-4.7.2-1]
    [InlineData("+/brokers", "$SYS/brokers", false)]
    [InlineData("$SYS/#", "$SYS/brokers/node/uptime", true)]
    [InlineData("plant/Line", "plant/line", false)] // case-sensitive
    [InlineData("plant/line", "plant/line", true)]
    public void A_filter_matches_a_topic_level_by_level(string filter, string topic, bool matches) =>
        Assert.Equal(matches, TopicMatch.Matches(filter, topic));
}

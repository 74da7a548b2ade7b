using Broker.Core.Security.Authorization;

namespace Broker.Core.Tests.Security;

/// <summary>A rule's filter against a PUBLISH's topic name (4.7 matching) and a SUBSCRIBE's filter (coverage).</summary>
public sealed class AclTopicMatchTests
{
    [Theory]
    [InlineData("a/b", "a/b", true)]
    [InlineData("a/b", "a/c", false)]
    [InlineData("a/+", "a/b", true)]
    [InlineData("a/+", "a/b/c", false)]
    [InlineData("a/+", "a", false)]
    [InlineData("a/+", "a/", true)]
    [InlineData("a/#", "a", true)] // '#' includes the parent level
    [InlineData("a/#", "a/b/c", true)]
    [InlineData("a/#", "ab", false)]
    [InlineData("#", "a/b", true)]
    [InlineData("+/+", "/a", true)]
    [InlineData("Ab", "ab", false)]
    [InlineData("#", "$SYS/broker", false)] // [MQTT-4.7.2-1]
    [InlineData("+/broker", "$SYS/broker", false)]
    [InlineData("$SYS/#", "$SYS/broker", true)]
    [InlineData("a/#", "a/$b", true)] // only the first level is protected
    public void A_topic_name_is_covered_when_it_matches(string rule, string topic, bool covered) =>
        Assert.Equal(covered, AclTopicMatch.Covers(rule, topic));

    [Theory]
    [InlineData("a/#", "a/b/+", true)]
    [InlineData("a/#", "a/#", true)]
    [InlineData("a/#", "a/+/c/#", true)]
    [InlineData("a/#", "+/b", false)]
    [InlineData("a/#", "#", false)]
    [InlineData("a/+", "a/+", true)]
    [InlineData("a/+", "a/#", false)] // a/# also reaches a/b/c
    [InlineData("a/+", "a/b", true)]
    [InlineData("a/+/c", "a/+/c", true)]
    [InlineData("a/+/c", "a/+/#", false)]
    [InlineData("a/b", "a/+", false)]
    [InlineData("a/b", "a/#", false)]
    [InlineData("#", "#", true)]
    [InlineData("#", "+/x/#", true)]
    [InlineData("#", "$SYS/#", false)]
    [InlineData("+/#", "$SYS/#", false)]
    [InlineData("$SYS/#", "$SYS/+/clients", true)]
    [InlineData("$SYS/#", "#", false)]
    public void A_filter_is_covered_when_every_topic_it_matches_is_matched_by_the_rule(string rule, string filter, bool covered) =>
        Assert.Equal(covered, AclTopicMatch.Covers(rule, filter));

    [Theory]
    [InlineData("$share/g/a/b", "a/b")]
    [InlineData("$share/g/#", "#")]
    [InlineData("$queue/a/+", "a/+")]
    [InlineData("a/b", "a/b")]
    [InlineData("$SYS/x", "$SYS/x")]
    public void A_shared_subscription_is_checked_on_its_filter(string subscribed, string checkedFilter) =>
        Assert.Equal(checkedFilter, AclTopicMatch.SubscribedFilter(subscribed).ToString());
}

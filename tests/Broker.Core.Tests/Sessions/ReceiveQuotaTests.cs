using Broker.Core.Sessions;

namespace Broker.Core.Tests.Sessions;

public class ReceiveQuotaTests
{
    [Fact]
    public void MQTT_3_3_4_7_one_id_more_than_the_maximum_is_refused_until_one_is_given_back()
    {
        var quota = new ReceiveQuota(2);
        Assert.True(quota.TryTake(1));
        Assert.True(quota.TryTake(2));
        Assert.False(quota.TryTake(3));

        quota.GiveBack(1);
        Assert.True(quota.TryTake(3));
        Assert.Equal(2, quota.Count);
    }

    [Fact]
    public void An_id_already_counted_counts_once_and_an_unknown_one_gives_nothing_back()
    {
        var quota = new ReceiveQuota(1);
        Assert.True(quota.TryTake(7));
        Assert.True(quota.TryTake(7));

        quota.GiveBack(8);
        Assert.False(quota.TryTake(9));
        Assert.Equal(1, quota.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public void A_maximum_outside_1_to_65535_is_refused(int maximum) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReceiveQuota(maximum));
}

namespace Broker.Host.Tests.Configuration;

public sealed class MonitoringOptionsTests : IDisposable
{
    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Watermarks_are_read_as_percentages_as_emqx_writes_them()
    {
        var result = _files.Load("""
            sysmon.os { cpu_high_watermark = 90%, cpu_low_watermark = 0.5, sysmem_high_watermark = "75 %" }
            sys_topics { sys_msg_interval = 0s, sys_event_messages.client_subscribed = true }
            alarm { size_limit = 10, validity_period = 1h }
            """);

        Assert.Empty(result.Errors);
        var os = result.Options.Sysmon.Os;
        Assert.Equal((0.9, 0.5, 0.75), (os.CpuHighWatermark, os.CpuLowWatermark, os.SysmemHighWatermark));
        Assert.Equal(TimeSpan.Zero, result.Options.SysTopics.SysMsgInterval.Value);
        Assert.True(result.Options.SysTopics.SysEventMessages.ClientSubscribed);
        Assert.Equal((10, TimeSpan.FromHours(1)), (result.Options.Alarm.SizeLimit, result.Options.Alarm.ValidityPeriod.Value));
    }

    [Theory]
    [InlineData("sysmon.os.cpu_low_watermark = 90%", "sysmon.os.cpu_low_watermark")]
    [InlineData("sysmon.os.sysmem_high_watermark = 120%", "sysmon.os.sysmem_high_watermark")]
    [InlineData("sysmon.connections.high_watermark = 150%", "sysmon.connections.high_watermark")]
    [InlineData("alarm.size_limit = 0", "alarm.size_limit")]
    [InlineData("sysmon.check_interval = 0s", "sysmon.check_interval")]
    [InlineData("sys_topics.sys_heartbeat_interval = -1s", "sys_topics.sys_heartbeat_interval")]
    [InlineData("sys_topics.sys_msg_interval = 1ms", "sys_topics.sys_msg_interval")]
    public void A_bad_value_names_its_key(string conf, string key) =>
        Assert.Contains(key, _files.SingleError(_files.Load(conf)), StringComparison.Ordinal);
}

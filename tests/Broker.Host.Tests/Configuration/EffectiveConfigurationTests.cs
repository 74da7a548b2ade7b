using Broker.Host.Configuration.Hocon;
using Broker.Host.Configuration;
using Broker.Host.Options;

namespace Broker.Host.Tests.Configuration;

public class EffectiveConfigurationTests
{
    [Fact]
    public void Every_option_is_printed_once_sorted_by_key()
    {
        var lines = EffectiveConfiguration.Lines(new BrokerOptions()).ToList();
        var keys = lines.Select(l => l[..l.IndexOf(" = ", StringComparison.Ordinal)]).ToList();
        Assert.Equal(OptionsSchema.For<BrokerOptions>().Leaves().Count(), lines.Count);
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        Assert.Contains("mqtt.max_packet_size = 1MB", lines);
        Assert.Contains("mqtt.keepalive_multiplier = 1.5", lines);
        Assert.Contains("node.name = \"broker@127.0.0.1\"", lines);
        Assert.Contains("listeners.ssl.verify = verify_none", lines);
        Assert.Contains("log.level = info", lines);
        Assert.Contains("mqtt.retain_available = true", lines);
    }

    [Fact]
    public void The_output_reads_back_as_the_same_configuration()
    {
        var options = new BrokerOptions();
        options.Mqtt.MaxInflight = 7;
        options.Node.Name = "quote\"d@host";
        var document = HoconConfig.ParseString(string.Join("\n", EffectiveConfiguration.Lines(options)), "printed.conf", _ => null);
        Assert.Equal(7, document.GetInt("mqtt.max_inflight"));
        Assert.Equal("quote\"d@host", document.GetString("node.name"));
        Assert.Equal(TimeSpan.FromHours(2), document.GetDuration("mqtt.session_expiry_interval"));
    }
}

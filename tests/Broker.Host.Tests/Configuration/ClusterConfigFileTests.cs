using Broker.Host.Configuration;
using Broker.Host.Options;
using Microsoft.Extensions.Logging;

namespace Broker.Host.Tests.Configuration;

/// <summary>
/// node.data_dir/cluster.conf, the keys changed at run time: kept by <see cref="RuntimeConfiguration"/>, read at the next
/// start over the configuration file and under the environment and the arguments, and refused, named, when a hand
/// wrote a key that only a restart changes or a bad value.
/// </summary>
public sealed class ClusterConfigFileTests : IDisposable
{
    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    private string DataDirArgument => $"--node.data_dir={_files.Root}";

    [Fact]
    public void A_change_kept_at_run_time_is_read_at_the_next_start_over_the_file_and_under_environment_and_arguments()
    {
        var options = new BrokerOptions();
        options.Node.DataDir = _files.Root;
        var applied = 0;
        var running = new RuntimeConfiguration(options, _ => applied++, ClusterConfigFile.PathIn(_files.Root));
        Assert.Empty(running.Change("mqtt", new System.Text.Json.Nodes.JsonObject { ["max_clientid_len"] = 23 }));
        Assert.Empty(running.Change("log", new System.Text.Json.Nodes.JsonObject { ["level"] = "debug" }));
        Assert.Equal(2, applied);

        const string conf = "mqtt.max_clientid_len = 100\nlog.level = warning\nmqtt.max_inflight = 7";
        var restarted = _files.Load(conf, null, DataDirArgument);
        Assert.True(restarted.IsValid, string.Join("\n", restarted.Errors));
        Assert.Equal(23, restarted.Options.Mqtt.MaxClientIdLen);
        Assert.Equal(LogLevel.Debug, restarted.Options.Log.Level.ToLogLevel());
        Assert.Equal(7, restarted.Options.Mqtt.MaxInflight);

        var environment = new Dictionary<string, string> { ["BROKER_MQTT__MAX_CLIENTID_LEN"] = "40" };
        Assert.Equal(40, _files.Load(conf, environment, DataDirArgument).Options.Mqtt.MaxClientIdLen);
        Assert.Equal(50, _files.Load(conf, environment, DataDirArgument, "--mqtt.max_clientid_len=50").Options.Mqtt.MaxClientIdLen);
    }

    [Fact]
    public void A_later_change_keeps_the_earlier_ones_and_the_file_is_replaced_whole()
    {
        var path = ClusterConfigFile.PathIn(_files.Root);
        Assert.Empty(new RuntimeConfiguration(new BrokerOptions(), _ => { }, path).Change("mqtt", new System.Text.Json.Nodes.JsonObject { ["max_topic_levels"] = 9 }));
        // A node started again: it reads the file it wrote, and writes those keys again with the new one.
        Assert.Empty(new RuntimeConfiguration(new BrokerOptions(), _ => { }, path).Change("mqtt", new System.Text.Json.Nodes.JsonObject { ["retain_available"] = false }));

        var restarted = _files.Load("", null, DataDirArgument);
        Assert.True(restarted.IsValid, string.Join("\n", restarted.Errors));
        Assert.Equal(9, restarted.Options.Mqtt.MaxTopicLevels);
        Assert.False(restarted.Options.Mqtt.RetainAvailable);
        Assert.Equal([ClusterConfigFile.FileName, "test.conf"], Directory.GetFiles(_files.Root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_hand_written_key_that_needs_a_restart_stops_the_start_naming_the_file_line_and_key()
    {
        _files.Write(ClusterConfigFile.FileName, "log.level = debug\nmqtt.max_inflight = 5\n");
        var error = _files.SingleError(_files.Load("", null, DataDirArgument));
        Assert.StartsWith("cluster.conf:2", error.Replace(Path.GetFullPath(_files.Root) + Path.DirectorySeparatorChar, "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("mqtt.max_inflight", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hand_written_bad_value_stops_the_start_naming_the_key_and_the_file()
    {
        _files.Write(ClusterConfigFile.FileName, "mqtt {\n  max_packet_size = lots\n}\n");
        var error = _files.SingleError(_files.Load("", null, DataDirArgument));
        Assert.Contains("mqtt.max_packet_size", error, StringComparison.Ordinal);
        Assert.Contains("cluster.conf:2", error, StringComparison.Ordinal);
    }
}

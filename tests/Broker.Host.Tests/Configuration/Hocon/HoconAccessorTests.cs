using Broker.Host.Configuration.Hocon;

namespace Broker.Host.Tests.Configuration.Hocon;

public class HoconAccessorTests
{
    private static readonly HoconConfig Config = Hocon.Parse("""
        mqtt {
          max_packet_size = 1MB
          bad_size = lots
          retry_interval = 30s
          plain_ms = 250
          max_inflight = 32
          as_text = "64"
          big = 3000000000
          exponent = 1e3
          ratio = 1.5
          retain = true
          flag = yes
          off = off
          nothing = null
          tags = [a, b, 1]
          mixed = [a, {}]
        }
        """);

    [Fact]
    public void Typed_reads_convert_values()
    {
        Assert.Equal(1_048_576, Config.GetBytes("mqtt.max_packet_size"));
        Assert.Equal(TimeSpan.FromSeconds(30), Config.GetDuration("mqtt.retry_interval"));
        Assert.Equal(TimeSpan.FromMilliseconds(250), Config.GetDuration("mqtt.plain_ms"));
        Assert.Equal(32, Config.GetInt("mqtt.max_inflight"));
        Assert.Equal(64, Config.GetInt("mqtt.as_text"));
        Assert.Equal(3_000_000_000, Config.GetLong("mqtt.big"));
        Assert.Equal(1000, Config.GetInt("mqtt.exponent"));
        Assert.Equal(1.5, Config.GetDouble("mqtt.ratio"));
        Assert.True(Config.GetBool("mqtt.retain"));
        Assert.True(Config.GetBool("mqtt.flag"));
        Assert.False(Config.GetBool("mqtt.off"));
        Assert.Equal("32", Config.GetString("mqtt.max_inflight"));
        Assert.Equal(["a", "b", "1"], Config.GetStringList("mqtt.tags"));
        Assert.Equal(3, Config.GetList("mqtt.tags").Count);
        Assert.Equal(15, Config.GetObject("mqtt").Count);
        Assert.Equal(32, Config.GetConfig("mqtt").GetInt("max_inflight"));
    }

    [Fact]
    public void HasPath_is_false_for_missing_and_null_values()
    {
        Assert.True(Config.HasPath("mqtt.max_inflight"));
        Assert.True(Config.HasPath("mqtt"));
        Assert.False(Config.HasPath("mqtt.nothing"));
        Assert.False(Config.HasPath("mqtt.absent"));
        Assert.False(Config.HasPath("mqtt.max_inflight.deeper"));
        Assert.NotNull(Config.GetValue("mqtt.nothing"));
    }

    private static void AssertFails(Action read, int line, int column, string path, string reason)
    {
        var error = Assert.Throws<HoconException>(read);
        Assert.Equal($"{Hocon.File}:{line}:{column}: {path}: {reason}", error.Message);
    }

    [Fact]
    public void A_bad_size_names_file_line_column_and_key() =>
        AssertFails(() => Config.GetBytes("mqtt.bad_size"), 3, 14, "mqtt.bad_size", "expected a size like 256KB, got \"lots\"");

    [Fact]
    public void A_bad_duration_names_file_line_column_and_key() =>
        AssertFails(() => Config.GetDuration("mqtt.bad_size"), 3, 14, "mqtt.bad_size", "expected a duration like 30s, 5m or 100ms, got \"lots\"");

    [Fact]
    public void A_bad_integer_names_file_line_column_and_key()
    {
        AssertFails(() => Config.GetInt("mqtt.bad_size"), 3, 14, "mqtt.bad_size", "expected an integer, got \"lots\"");
        AssertFails(() => Config.GetInt("mqtt.ratio"), 10, 11, "mqtt.ratio", "expected an integer, got 1.5");
        AssertFails(() => Config.GetInt("mqtt.big"), 8, 9, "mqtt.big", "expected an integer between -2147483648 and 2147483647, got 3000000000");
    }

    [Fact]
    public void Bad_booleans_numbers_and_types_name_the_key()
    {
        AssertFails(() => Config.GetBool("mqtt.max_inflight"), 6, 18, "mqtt.max_inflight", "expected a boolean (true/false, yes/no, on/off), got 32");
        AssertFails(() => Config.GetDouble("mqtt.bad_size"), 3, 14, "mqtt.bad_size", "expected a number, got \"lots\"");
        AssertFails(() => Config.GetString("mqtt"), 1, 6, "mqtt", "expected a string, got an object");
        AssertFails(() => Config.GetList("mqtt.max_inflight"), 6, 18, "mqtt.max_inflight", "expected an array, got 32");
        AssertFails(() => Config.GetObject("mqtt.tags"), 15, 10, "mqtt.tags", "expected an object, got an array");
        AssertFails(() => Config.GetStringList("mqtt.mixed"), 16, 15, "mqtt.mixed[1]", "expected a string, got an object");
        AssertFails(() => Config.GetInt("mqtt.nothing"), 14, 13, "mqtt.nothing", "is null, expected an integer");
    }

    [Fact]
    public void A_missing_key_names_the_file_and_key()
    {
        var error = Assert.Throws<HoconException>(() => Config.GetInt("mqtt.max_pakcet_size"));
        Assert.Equal($"{Hocon.File}: mqtt.max_pakcet_size: no setting at this path", error.Message);
    }
}

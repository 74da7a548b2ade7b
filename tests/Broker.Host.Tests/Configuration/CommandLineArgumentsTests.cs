using Broker.Host.Configuration;

namespace Broker.Host.Tests.Configuration;

public class CommandLineArgumentsTests
{
    [Fact]
    public void Both_override_forms_use_dots_between_levels()
    {
        var parsed = CommandLineArguments.Parse(["--listeners.tcp.port=1884", "--mqtt.max_inflight", "64", "--node.name=a=b@c", "--x.y=", "--n", "-5"]);
        Assert.Empty(parsed.Errors);
        Assert.Equal(
            [("listeners:tcp:port", "1884"), ("mqtt:max_inflight", "64"), ("node:name", "a=b@c"), ("x:y", ""), ("n", "-5")],
            parsed.Overrides.Select(o => (o.Key, o.Value)));
    }

    [Theory]
    [InlineData("--config")]
    [InlineData("-c")]
    public void The_config_path_is_taken_out(string option)
    {
        var parsed = CommandLineArguments.Parse([option, "/etc/broker.conf", "--a.b=1"]);
        Assert.Equal("/etc/broker.conf", parsed.ConfigPath);
        Assert.Single(parsed.Overrides);
        Assert.Equal("/etc/x.conf", CommandLineArguments.Parse([$"{option}=/etc/x.conf"]).ConfigPath);
    }

    [Theory]
    [InlineData(new[] { "--mqtt.max_inflight" }, "--mqtt.max_inflight: missing value")]
    [InlineData(new[] { "--mqtt.max_inflight", "--log.level=info" }, "--mqtt.max_inflight: missing value")]
    [InlineData(new[] { "--config" }, "--config: missing the configuration file path")]
    [InlineData(new[] { "-x" }, "unexpected argument '-x'")]
    [InlineData(new[] { "stray" }, "unexpected argument 'stray'")]
    [InlineData(new[] { "--" }, "unexpected argument '--'")]
    [InlineData(new[] { "--a..b=1" }, "--a..b=1: malformed key")]
    [InlineData(new[] { "--=1" }, "--=1: malformed key")]
    public void Malformed_arguments_are_reported(string[] args, string error) =>
        Assert.StartsWith(error, Assert.Single(CommandLineArguments.Parse(args).Errors), StringComparison.Ordinal);
}

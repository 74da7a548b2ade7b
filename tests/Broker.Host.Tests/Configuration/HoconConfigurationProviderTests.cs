using Broker.Host.Configuration.Hocon;
using Broker.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Broker.Host.Tests.Configuration;

public sealed class HoconConfigurationProviderTests : IDisposable
{
    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    private IConfigurationRoot Build(string text, Func<string, string?>? environment = null) =>
        new ConfigurationBuilder().AddHoconFile(_files.Write("p.conf", text), environment: environment ?? (_ => null)).Build();

    [Fact]
    public void Levels_are_joined_with_colons()
    {
        var configuration = Build("a { b { c = 1 } }\nx.y = \"text\"\nflag = true\nratio = 1.50");
        Assert.Equal("1", configuration["a:b:c"]);
        Assert.Equal("text", configuration["x:y"]);
        Assert.Equal("true", configuration["flag"]);
        Assert.Equal("1.50", configuration["ratio"]);
        Assert.Equal("1", configuration.GetSection("a").GetSection("b")["c"]);
    }

    [Fact]
    public void Arrays_become_index_keys()
    {
        var configuration = Build("a = [x, y, { z = 1 }, [2]]");
        Assert.Equal("x", configuration["a:0"]);
        Assert.Equal("y", configuration["a:1"]);
        Assert.Equal("1", configuration["a:2:z"]);
        Assert.Equal("2", configuration["a:3:0"]);
        Assert.Equal(["x", "y"], configuration.GetSection("a").GetChildren().Take(2).Select(c => c.Value));
    }

    [Fact]
    public void Null_and_empty_containers_are_keys_without_values()
    {
        var data = Build("n = null\no {}\nl = []\ns = \"\"").AsEnumerable().ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Null(data["n"]);
        Assert.Null(data["o"]);
        Assert.Null(data["l"]);
        Assert.Equal("", data["s"]);
    }

    [Fact]
    public void Keys_are_case_insensitive_for_lookup() =>
        Assert.Equal("1", Build("mqtt.max_inflight = 1")["MQTT:Max_Inflight"]);

    [Fact]
    public void Substitutions_use_the_given_environment() =>
        Assert.Equal("from-env", Build("a = ${?V}", name => name == "V" ? "from-env" : null)["a"]);

    [Fact]
    public void An_optional_missing_file_yields_nothing_and_a_required_one_throws()
    {
        var missing = Path.Combine(_files.Root, "missing.conf");
        Assert.Empty(new ConfigurationBuilder().AddHoconFile(missing, optional: true).Build().AsEnumerable());
        var error = Assert.Throws<HoconException>(() => new ConfigurationBuilder().AddHoconFile(missing).Build());
        Assert.EndsWith("missing.conf: file not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_parsed_document_can_be_added_directly()
    {
        var document = HoconConfig.ParseString("a.b = 1", "inline.conf", _ => null);
        var configuration = new ConfigurationBuilder().Add(new HoconConfigurationSource { Document = document }).Build();
        Assert.Equal("1", configuration["a:b"]);
        Assert.Equal("inline.conf:1:7", ConfigurationOrigins.Describe(configuration, "a.b"));
        Assert.Equal("inline.conf:1:7", ConfigurationOrigins.Describe(configuration, "a"));
        Assert.Null(ConfigurationOrigins.Describe(configuration, "c"));
    }
}

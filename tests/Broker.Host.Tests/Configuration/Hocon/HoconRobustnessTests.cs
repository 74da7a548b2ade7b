using Broker.Host.Configuration.Hocon;

namespace Broker.Host.Tests.Configuration.Hocon;

public class HoconRobustnessTests
{
    private const string Document = """"
        # every construct at least once
        node { name = "broker@127.0.0.1", data_dir = data }
        "quoted.key" : { a.b.c = 1e+5 }
        list = [1, "two", { three = 3 }, [4],]
        list += 5
        text = """multi
        line"""
        esc = "tab\t\u0041"
        concat = foo ${node.data_dir} "bar"
        port = 1883
        port = ${?MQTT_PORT}
        path = /bin
        path = ${path}":/usr/bin"
        merged = ${node} { extra = true }
        include required(file("absent.conf"))
        """";

    [Fact]
    public void The_sample_parses()
    {
        var config = HoconConfig.ParseString(Document.Replace("include required(file(\"absent.conf\"))", ""), "sample.conf", _ => null);
        Assert.Equal("foo data bar", config.GetString("concat"));
        Assert.Equal("/bin:/usr/bin", config.GetString("path"));
        Assert.Equal(1883, config.GetInt("port"));
        Assert.Equal(5, config.GetList("list").Count);
        Assert.True(config.GetBool("merged.extra"));
    }

    /// <summary>Every truncation of the document either parses or fails with a located HoconException, nothing else.</summary>
    [Fact]
    public void Every_prefix_parses_or_fails_with_a_hocon_exception()
    {
        for (var length = 0; length <= Document.Length; length++)
        {
            var text = Document[..length];
            try
            {
                HoconConfig.ParseString(text, "prefix.conf", _ => null);
            }
            catch (HoconException e)
            {
                Assert.StartsWith("prefix.conf", e.Message, StringComparison.Ordinal);
            }
            catch (Exception e)
            {
                Assert.Fail($"prefix of length {length} threw {e.GetType().Name}: {e.Message}\n---\n{text}");
            }
        }
    }
}

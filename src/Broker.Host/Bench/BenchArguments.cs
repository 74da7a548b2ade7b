using System.Globalization;
using System.Net;
using Broker.Mqtt;

namespace Broker.Host.Bench;

/// <summary>
/// Parses <c>broker bench &lt;scenario&gt; [options]</c>. Options take <c>--name value</c> or <c>--name=value</c>;
/// <c>--tls</c> and <c>--insecure</c> are flags. Every problem is reported, not just the first.
/// </summary>
public static class BenchArguments
{
    private static readonly string[] Common =
        ["--host", "--port", "--version", "--tls", "--insecure", "--source-ips", "--duration", "--client-prefix",
         "--conn-rate", "--keepalive", "--clean", "--progress"];

    private static readonly Dictionary<BenchScenario, string[]> Specific = new()
    {
        [BenchScenario.Conn] = ["-c"],
        [BenchScenario.Pub] = ["-c", "--topic", "--qos", "--size", "--rate", "--inflight", "--drain", "--coalesce-acks"],
        [BenchScenario.Sub] = ["-c", "--topic", "--qos", "--sub-clean", "--sub-session-expiry", "--coalesce-acks"],
        [BenchScenario.PubSub] = ["--pubs", "--subs", "--sub-port", "--pub-topic", "--sub-topic", "--qos", "--size", "--rate", "--inflight", "--drain",
            "--sub-clean", "--sub-session-expiry", "--coalesce-acks"],
    };

    private static readonly HashSet<string> Flags = ["--tls", "--insecure", "--coalesce-acks"];

    public static BenchArgumentsResult Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var errors = new List<string>();
        if (args.Count == 0 || !TryScenario(args[0], out var scenario))
        {
            errors.Add(args.Count == 0
                ? "a scenario is required: conn, pub, sub or pubsub"
                : $"unknown scenario '{args[0]}': expected conn, pub, sub or pubsub");
            return new BenchArgumentsResult(null, errors);
        }

        var values = ReadValues(args.Skip(1).ToList(), scenario, errors);
        var reader = new ValueReader(values, errors);
        var tls = reader.Bool("--tls", false);
        var options = new BenchOptions
        {
            Scenario = scenario,
            Host = reader.String("--host", "127.0.0.1"),
            Port = reader.Int("--port", tls ? 8883 : 1883, 1, 65535),
            SubscriberPort = values.ContainsKey("--sub-port") ? reader.Int("--sub-port", 1883, 1, 65535) : null,
            Version = reader.Version(),
            Tls = tls,
            Insecure = reader.Bool("--insecure", false),
            SourceAddresses = reader.Addresses(),
            Duration = reader.Duration("--duration", TimeSpan.FromSeconds(10), allowZero: false),
            ClientPrefix = reader.String("--client-prefix", "bench"),
            ConnectRate = reader.Int("--conn-rate", 0, 0, int.MaxValue),
            KeepAliveSeconds = (ushort)reader.Int("--keepalive", 60, 0, ushort.MaxValue),
            Clean = reader.Bool("--clean", true),
            SubscriberClean = values.ContainsKey("--sub-clean") ? reader.Bool("--sub-clean", true) : null,
            SubscriberSessionExpiry = (uint)reader.Long("--sub-session-expiry", 0, 0, uint.MaxValue),
            Progress = reader.Duration("--progress", TimeSpan.FromSeconds(1), allowZero: true),
            Connections = scenario == BenchScenario.Conn ? reader.Int("-c", 1000, 1, int.MaxValue) : 0,
            Publishers = scenario switch
            {
                BenchScenario.Pub => reader.Int("-c", 10, 1, int.MaxValue),
                BenchScenario.PubSub => reader.Int("--pubs", 10, 0, int.MaxValue),
                _ => 0,
            },
            Subscribers = scenario switch
            {
                BenchScenario.Sub => reader.Int("-c", 1, 1, int.MaxValue),
                BenchScenario.PubSub => reader.Int("--subs", 1, 0, int.MaxValue),
                _ => 0,
            },
            PublishTopic = reader.String(scenario == BenchScenario.PubSub ? "--pub-topic" : "--topic", "bench/%i"),
            SubscribeFilter = reader.String(scenario == BenchScenario.PubSub ? "--sub-topic" : "--topic", "bench/#"),
            QoS = (QualityOfService)reader.Int("--qos", 0, 0, 2),
            Size = reader.Int("--size", 64, PayloadHeader.Size, 256 * 1024 * 1024),
            Rate = reader.Int("--rate", 0, 0, int.MaxValue),
            Inflight = reader.Int("--inflight", 100, 1, 65535),
            Drain = reader.Duration("--drain", TimeSpan.FromSeconds(10), allowZero: true),
            CoalesceAcks = reader.Bool("--coalesce-acks", false),
        };
        Check(options, errors);
        return new BenchArgumentsResult(errors.Count == 0 ? options : null, errors);
    }

    private static void Check(BenchOptions options, List<string> errors)
    {
        if (options.TotalSockets > BenchOptions.MaxSockets)
        {
            errors.Add($"{options.TotalSockets} connections is too many: this process may hold at most 20,000 open files, " +
                $"so a bench run opens at most {BenchOptions.MaxSockets:N0} sockets; run several bench processes instead");
        }
        if (options.Scenario == BenchScenario.PubSub && options.Publishers + options.Subscribers == 0)
            errors.Add("--pubs and --subs are both 0: nothing to run");
        if (options.Version == MqttProtocolVersion.V310 && options.ClientPrefix.Length > 12)
            errors.Add("--client-prefix: MQTT 3.1 allows client identifiers of at most 23 characters; use at most 12 for the prefix");
        if (options.SubscriberSessionExpiry > 0 && options.Version != MqttProtocolVersion.V500)
            errors.Add("--sub-session-expiry needs --version 5; on 3.x use --sub-clean false for a session that outlives its connection");
        if (options.Insecure && !options.Tls)
            errors.Add("--insecure only applies with --tls");
    }

    private static bool TryScenario(string name, out BenchScenario scenario)
    {
        scenario = name switch
        {
            "conn" => BenchScenario.Conn,
            "pub" => BenchScenario.Pub,
            "sub" => BenchScenario.Sub,
            "pubsub" => BenchScenario.PubSub,
            _ => (BenchScenario)(-1),
        };
        return Enum.IsDefined(scenario);
    }

    private static Dictionary<string, string> ReadValues(List<string> args, BenchScenario scenario, List<string> errors)
    {
        var allowed = new HashSet<string>(Common.Concat(Specific[scenario]));
        var values = new Dictionary<string, string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 && arg.StartsWith("--", StringComparison.Ordinal) ? arg[..equals] : arg;
            if (!arg.StartsWith('-'))
            {
                errors.Add($"unexpected argument '{arg}'");
                continue;
            }
            if (!allowed.Contains(name))
            {
                errors.Add(Common.Concat(Specific.Values.SelectMany(v => v)).Contains(name)
                    ? $"{name} is not an option of bench {scenario.ToString().ToLowerInvariant()}"
                    : $"unknown option '{name}'");
                if (equals < 0 && i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    i++;
                continue;
            }
            string value;
            if (equals > 0 && name != arg)
                value = arg[(equals + 1)..];
            else if (Flags.Contains(name) || (name is "--clean" or "--sub-clean" && (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))))
                value = "true";
            else if (i + 1 < args.Count)
                value = args[++i];
            else
            {
                errors.Add($"{name} needs a value");
                continue;
            }
            if (!values.TryAdd(name, value))
                errors.Add($"{name} is given more than once");
        }
        return values;
    }

    /// <summary>Reads typed values, recording an error (and returning the default) for each one that does not parse.</summary>
    private sealed class ValueReader(Dictionary<string, string> values, List<string> errors)
    {
        public string String(string name, string fallback)
        {
            if (!values.TryGetValue(name, out var value))
                return fallback;
            if (value.Length == 0)
                errors.Add($"{name} must not be empty");
            return value;
        }

        // Within [min, max], so the narrowing cannot lose anything.
        public int Int(string name, int fallback, int min, int max) => (int)Long(name, fallback, min, max);

        public long Long(string name, long fallback, long min, long max)
        {
            if (!values.TryGetValue(name, out var text))
                return fallback;
            if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                errors.Add($"{name} '{text}': expected an integer from {min} to {max}");
                return fallback;
            }
            return value;
        }

        public bool Bool(string name, bool fallback)
        {
            if (!values.TryGetValue(name, out var text))
                return fallback;
            if (bool.TryParse(text, out var value))
                return value;
            errors.Add($"{name} '{text}': expected true or false");
            return fallback;
        }

        public MqttProtocolVersion Version()
        {
            if (!values.TryGetValue("--version", out var text))
                return MqttProtocolVersion.V311;
            switch (text)
            {
                case "3": return MqttProtocolVersion.V310;
                case "4": return MqttProtocolVersion.V311;
                case "5": return MqttProtocolVersion.V500;
                default:
                    errors.Add($"--version '{text}': expected 3 (MQTT 3.1), 4 (3.1.1) or 5 (5.0)");
                    return MqttProtocolVersion.V311;
            }
        }

        /// <summary><c>10s</c>, <c>500ms</c>, <c>2m</c>, <c>1h</c>, or plain seconds.</summary>
        public TimeSpan Duration(string name, TimeSpan fallback, bool allowZero)
        {
            if (!values.TryGetValue(name, out var text))
                return fallback;
            if (BenchDuration.TryParse(text, out var value) && (allowZero ? value >= TimeSpan.Zero : value > TimeSpan.Zero))
                return value;
            errors.Add($"{name} '{text}': expected a duration such as 10s, 500ms, 2m or 1h{(allowZero ? "" : " (above zero)")}");
            return fallback;
        }

        public IReadOnlyList<IPAddress> Addresses()
        {
            if (!values.TryGetValue("--source-ips", out var text))
                return [];
            if (SourceAddresses.TryParse(text, out var addresses, out var error))
                return addresses;
            errors.Add($"--source-ips '{text}': {error}");
            return [];
        }
    }
}

public sealed record BenchArgumentsResult(BenchOptions? Options, IReadOnlyList<string> Errors);

using System.Text.Json.Nodes;
using Broker.Host.Configuration.Hocon;
using Broker.Host.Options;
using Microsoft.Extensions.Configuration;

namespace Broker.Host.Configuration;

/// <summary>
/// The node's configuration as it is now, for EMQX's <c>/api/v5/configs</c>: shown as JSON (secrets masked), and changed
/// at run time for the keys in <see cref="LiveKeys"/> only, those read when a connection starts (the channel's limits)
/// or on every use (the log level); any other key needs a restart and a change of it is refused, named. A change is
/// kept in <see cref="ClusterConfigFile"/> (when the node has one: <c>{node.data_dir}/cluster.conf</c>) before it
/// takes effect, so the next start runs with it, unless an environment variable or argument sets the key. The API
/// applies a change on every node of the cluster, each keeping it in its own file.
/// </summary>
public sealed class RuntimeConfiguration
{
    /// <summary>The keys a running node takes (documented in hocon/broker.conf, "Changed at run time").</summary>
    public static readonly IReadOnlySet<string> LiveKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "log.level",
        "mqtt.max_packet_size",
        "mqtt.max_clientid_len",
        "mqtt.max_topic_levels",
        "mqtt.max_topic_alias",
        "mqtt.retain_available",
        "mqtt.wildcard_subscription",
        "mqtt.shared_subscription",
        "mqtt.session_expiry_interval",
        "mqtt.keepalive_multiplier",
        "mqtt.server_keepalive",
        "mqtt.idle_timeout",
        "mqtt.strict_mode",
    };

    public const string Mask = "******";

    // Any text value whose key names a password, secret, token or key (dashboard.default_password, a JWT secret, a
    // connection string with its password) is masked; paths to files holding them (keyfile, *_file) are not secrets.
    private static readonly string[] SecretWords = ["password", "secret", "token", "connection_string", "key"];

    private readonly BrokerOptions _options;
    private readonly Action<BrokerOptions> _apply;
    private readonly string? _keptPath;
    private readonly Lock _gate = new();

    /// <summary>What <see cref="ClusterConfigFile"/> holds: dotted key to HOCON value text.</summary>
    private readonly SortedDictionary<string, string> _kept = new(StringComparer.Ordinal);

    /// <param name="apply">Makes the changed live keys of the options take effect (the runtime's settings, the log level).</param>
    /// <param name="keptPath">Where changes are kept (<see cref="ClusterConfigFile"/>); null for nowhere.</param>
    public RuntimeConfiguration(BrokerOptions options, Action<BrokerOptions> apply, string? keptPath = null)
    {
        _options = options;
        _apply = apply;
        _keptPath = keptPath;
        // The start has read it already (a bad one stops the start): only its keys are wanted here, to write them again.
        if (keptPath is not null && File.Exists(keptPath) && ClusterConfigFile.Read(keptPath, environment: null).Document is { } document)
        {
            foreach (var (key, text, _) in ClusterConfigFile.Entries(document))
            {
                if (text is not null)
                    _kept[key] = Hocon.HoconPath.Quote(text);
            }
        }
    }

    /// <summary>Where changes are kept, or null.</summary>
    public string? KeptPath => _keptPath;

    public static IEnumerable<string> Roots => OptionsSchema.For<BrokerOptions>().Children.Select(c => c.Key).Order(StringComparer.Ordinal);

    /// <summary>Every root, or one (null when there is no such root), as JSON.</summary>
    public JsonObject? Show(string? root = null)
    {
        lock (_gate)
        {
            var schema = OptionsSchema.For<BrokerOptions>();
            if (root is null)
                return Section(schema, _options);
            return schema.Child(root) is { IsLeaf: false } section && section.Element is null
                ? Section(section, section.ValueIn(_options)!)
                : null;
        }
    }

    /// <summary>
    /// Applies a root's new values (as <see cref="Show"/> gives them; keys left out and masked secrets stay as they are).
    /// Returns the problems (a bad value naming its key, a key that needs a restart), nothing changed then; or none.
    /// </summary>
    public IReadOnlyList<string> Change(string root, JsonObject values)
    {
        lock (_gate)
        {
            var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            Flatten(root, values, overrides);
            var before = Bind(new Dictionary<string, string?>(), out var standing, out _);
            var after = Bind(overrides, out var problems, out var configuration);
            // Only the request's problems: the node runs with what it started with (a test's port 0 included).
            var asked = problems.Where(p => !standing.Contains(p)).ToList();
            if (asked.Count > 0)
                return [.. asked.Select(p => ConfigurationOrigins.Render(p, configuration))];

            // Both bound from the same rendering, so only the request's values can differ between them.
            var was = EffectiveConfiguration.Lines(before).ToHashSet(StringComparer.Ordinal);
            var changed = EffectiveConfiguration.Lines(after).Where(line => !was.Contains(line))
                .Select(line => line[..line.IndexOf(" = ", StringComparison.Ordinal)])
                .ToList();
            var restartOnly = changed.Where(path => !LiveKeys.Contains(path)).ToList();
            if (restartOnly.Count > 0)
                return [$"these keys cannot change while the node runs, only at a restart: {string.Join(", ", restartOnly)} (at run time: {string.Join(", ", LiveKeys)})"];

            var leaves = OptionsSchema.For<BrokerOptions>().Leaves().Where(leaf => changed.Contains(leaf.Path)).ToList();
            if (Keep(leaves.Select(leaf => KeyValuePair.Create(leaf.Path, OptionValues.Format(leaf.ValueIn(after))))) is { } notKept)
                return [notKept];
            foreach (var leaf in leaves)
                leaf.Property!.SetValue(leaf.Parent!.ValueIn(_options), leaf.ValueIn(after));
            _apply(_options);
            return [];
        }
    }

    /// <summary>Writes the file with the changed keys before they take effect: a change that could not be kept is not made.</summary>
    private string? Keep(IEnumerable<KeyValuePair<string, string>> changed)
    {
        if (_keptPath is null)
            return null;
        var kept = new SortedDictionary<string, string>(_kept, StringComparer.Ordinal);
        foreach (var (key, value) in changed)
            kept[key] = value;
        try
        {
            ClusterConfigFile.Write(_keptPath, kept);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"the change could not be kept in {_keptPath}, so it was not made: {e.Message}";
        }

        foreach (var (key, value) in kept)
            _kept[key] = value;
        return null;
    }

    /// <summary>The options now, rendered as configuration and read back, with the overrides on top.</summary>
    private BrokerOptions Bind(Dictionary<string, string?> overrides, out List<ConfigurationError> problems, out IConfigurationRoot configuration)
    {
        var document = HoconConfig.ParseString(string.Join('\n', EffectiveConfiguration.Lines(_options)), "<configuration now>");
        configuration = new ConfigurationBuilder()
            .Add(new HoconConfigurationSource { Document = document })
            .AddInMemoryCollection(overrides)
            .Build();
        problems = [];
        var options = OptionsBinder.Bind<BrokerOptions>(configuration, problems);
        problems.AddRange(BrokerOptionsValidator.Validate(options));
        return options;
    }

    private static void Flatten(string path, JsonNode? node, Dictionary<string, string?> into)
    {
        switch (node)
        {
            case JsonObject section:
                foreach (var (key, child) in section)
                    Flatten($"{path}:{key}", child, into);
                break;
            case JsonArray list:
                for (var i = 0; i < list.Count; i++)
                    Flatten($"{path}:{i}", list[i], into);
                break;
            case JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String:
                var text = value.GetValue<string>();
                if (text != Mask)
                    into[path] = text;
                break;
            case JsonValue value:
                into[path] = value.ToJsonString();
                break;
        }
    }

    private static JsonObject Section(OptionsSchema schema, object value)
    {
        var json = new JsonObject();
        foreach (var child in schema.Children.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var childValue = child.Property!.GetValue(value);
            json[child.Key] = child.Element is { } element && childValue is Array items
                ? new JsonArray([.. items.Cast<object>().Select(item => (JsonNode)Section(element, item))])
                : child.IsLeaf ? Leaf(child.Key, childValue)
                : childValue is null ? null : Section(child, childValue);
        }

        return json;
    }

    private static JsonNode? Leaf(string key, object? value) => value switch
    {
        null => null,
        string text when IsSecret(key) => text.Length == 0 ? "" : Mask,
        string text => text,
        bool flag => flag,
        int number => number,
        long number => number,
        double number => number,
        string[] list => new JsonArray([.. list.Select(item => (JsonNode?)item)]),
        // Headers may carry a token: their values are masked, their names shown.
        Dictionary<string, string> map => new JsonObject(map.OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => KeyValuePair.Create(e.Key, (JsonNode?)(IsSecretHeader(e.Key) ? Mask : e.Value)))),
        _ => OptionValues.Format(value).Trim('"'),
    };

    private static bool IsSecretHeader(string name) =>
        name.Contains("authorization", StringComparison.OrdinalIgnoreCase) || name.Contains("token", StringComparison.OrdinalIgnoreCase)
        || name.Contains("key", StringComparison.OrdinalIgnoreCase) || name.Contains("secret", StringComparison.OrdinalIgnoreCase);

    private static bool IsSecret(string key) =>
        !key.EndsWith("file", StringComparison.OrdinalIgnoreCase) && SecretWords.Any(word => key.Contains(word, StringComparison.OrdinalIgnoreCase));
}

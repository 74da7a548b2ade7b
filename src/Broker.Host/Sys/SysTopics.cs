namespace Broker.Host.Sys;

/// <summary>
/// The <c>$SYS</c> topics, as EMQX names them: <c>$SYS/brokers</c> for the node list and <c>$SYS/brokers/&lt;node&gt;/...</c>
/// for one node's. A topic starting with <c>$</c> is matched by no filter starting with a wildcard (MQTT 4.7.2), so a
/// client subscribed to <c>#</c> does not get them; <c>$SYS/#</c> does.
/// </summary>
internal sealed class SysTopics
{
    public const string Brokers = "$SYS/brokers";

    public SysTopics(string nodeName)
    {
        Node = NodeLevel(nodeName);
        Prefix = $"{Brokers}/{Node}/";
    }

    /// <summary>This node's level in the topics.</summary>
    public string Node { get; }

    /// <summary><c>$SYS/brokers/&lt;node&gt;/</c>.</summary>
    public string Prefix { get; }

    /// <summary><c>$SYS/brokers/&lt;node&gt;/&lt;name&gt;</c>: version, uptime, alarms/activate...</summary>
    public string Of(string name) => Prefix + name;

    /// <summary>A stat or metric named EMQX's way (<c>connections.count</c>) as EMQX publishes it: <c>stats/connections/count</c>.</summary>
    public string Counter(string family, string name) => $"{Prefix}{family}/{name.Replace('.', '/')}";

    /// <summary>
    /// <c>$SYS/brokers/&lt;node&gt;/clients/&lt;clientid&gt;/&lt;event&gt;</c>. A client id may hold what a topic name may
    /// not (a wildcard): that becomes <c>_</c>; a <c>/</c> stays, a level more, as in EMQX.
    /// </summary>
    public string Client(string clientId, string clientEvent) =>
        $"{Prefix}clients/{(clientId.AsSpan().IndexOfAny('+', '#', '\0') >= 0 ? clientId.Replace('+', '_').Replace('#', '_').Replace('\0', '_') : clientId)}/{clientEvent}";

    /// <summary>
    /// A node's name as one topic level, as EMQX's <c>emqx@host</c>: the cluster address without its scheme
    /// (<c>akka.tcp://broker@10.0.0.5:4370</c> is <c>broker@10.0.0.5:4370</c>), or <c>node.name</c> on a node in no
    /// cluster; a character a topic level cannot hold (a separator, a wildcard) becomes <c>_</c>.
    /// </summary>
    public static string NodeLevel(string nodeName)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        var scheme = nodeName.IndexOf("://", StringComparison.Ordinal);
        var name = scheme >= 0 ? nodeName[(scheme + 3)..] : nodeName;
        return string.Create(name.Length, name, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = source[i] is '/' or '+' or '#' or '\0' ? '_' : source[i];
            }
        });
    }
}

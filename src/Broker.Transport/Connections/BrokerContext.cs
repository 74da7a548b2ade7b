using Broker.Actors;
using Broker.Core.Messaging;
using Broker.Core.Routing;
using Broker.Transport.Channels;
using Microsoft.Extensions.Logging;

namespace Broker.Transport.Connections;

/// <summary>
/// What every connection needs from the running broker, made once at start by the host.
/// Time comes from the actor system's TimeProvider, so that tests can run on a manual clock.
/// </summary>
public sealed class BrokerContext
{
    public required ActorSystem System { get; init; }

    /// <summary>The session registry actor (<c>/user/sessions</c>): receives <c>OpenSession</c>.</summary>
    public required IActorRef Sessions { get; init; }

    public required IRouter Router { get; init; }

    /// <summary>
    /// The limits a connection takes when it starts (the channel and decoder keep them for its life). Replaced as a whole
    /// when the configuration changes at run time (<c>PUT /api/v5/configs/mqtt</c>): the next connections take the new ones.
    /// </summary>
    public required MqttSettings Settings
    {
        get => Volatile.Read(ref _settings)!;
        set => Volatile.Write(ref _settings, value);
    }

    private MqttSettings? _settings;

    public required BrokerMetrics Metrics { get; init; }

    public required ILoggerFactory LoggerFactory { get; init; }

    /// <summary>Rate limits by listener name (<see cref="ConnectionMetadata.Listener"/>); a listener not named has none.</summary>
    public IReadOnlyDictionary<string, ListenerLimits> Limits { get; init; } = new Dictionary<string, ListenerLimits>();

    /// <summary>Authentication and authorization; open (everybody in, everything allowed) unless configured.</summary>
    public ChannelSecurity Security { get; init; } = ChannelSecurity.Open;

    public TimeProvider Time => System.Settings.TimeProvider;

    /// <summary>The live connections, for a graceful shutdown to close them all.</summary>
    public ConnectionTracker Connections { get; } = new();

    /// <summary>The packet traces in force; none unless the management API starts one.</summary>
    public PacketTraces Traces { get; } = new();

    /// <summary>Open unless the node takes no new clients for a while (out of its cluster): then CONNECT is refused.</summary>
    public ConnectGate Admission { get; } = new();

    /// <summary>The keep-alive deadlines of every connection, on one timer of <see cref="Time"/>.</summary>
    public DeadlineQueue KeepAliveDeadlines =>
        Volatile.Read(ref _keepAliveDeadlines) ?? CreateKeepAliveDeadlines();

    private DeadlineQueue? _keepAliveDeadlines;
    private SessionOpenTimeouts? _sessionOpenTimeouts;

    /// <summary>The timeouts of connections waiting for their session, on one timer of <see cref="Time"/>.</summary>
    internal SessionOpenTimeouts SessionOpenTimeouts =>
        Volatile.Read(ref _sessionOpenTimeouts) ?? CreateSessionOpenTimeouts();

    // Out of the property, whose lambda would otherwise be allocated on each read: once per connection.
    private DeadlineQueue CreateKeepAliveDeadlines()
    {
        var created = new DeadlineQueue(Time);
        return Interlocked.CompareExchange(ref _keepAliveDeadlines, created, null) ?? created;
    }

    private SessionOpenTimeouts CreateSessionOpenTimeouts()
    {
        var created = new SessionOpenTimeouts(Time, MqttConnection.SessionOpenTimeout);
        return Interlocked.CompareExchange(ref _sessionOpenTimeouts, created, null) ?? created;
    }
}

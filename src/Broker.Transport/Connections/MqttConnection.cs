using System.IO.Pipelines;
using System.Net;
using Broker.Actors;
using Broker.Core.Messaging;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;
using Broker.Transport.Channels;
using Microsoft.Extensions.Logging;

using Broker.Core.Security.Protection;

namespace Broker.Transport.Connections;

/// <summary>
/// One client's network connection, as EMQX's <c>emqx_connection</c>: it owns the duplex pipe and
/// nothing else. A read loop decodes packets and hands them to the <see cref="MqttChannel"/>, whose
/// results it carries out (write a reply, tell the session, close); a writer loop passes what the
/// session <see cref="Send"/>s through the channel's outbound part and encodes what it lets go, in
/// batches with one flush each; a timer checks keep-alive. The
/// connection lives as long as <see cref="RunAsync"/>'s task, as a Kestrel connection handler's does.
/// <para>
/// Split by concern: the read loop in <c>MqttConnection.Reading.cs</c>, the writer and its water marks in
/// <c>MqttConnection.Writing.cs</c>, the keep-alive timer in <c>MqttConnection.KeepAlive.cs</c>.
/// </para>
/// </summary>
public sealed partial class MqttConnection : IClientConnection, DeadlineQueue.ITarget, IAfterRun, IIntrusiveNode<MqttConnection>, IThreadPoolWorkItem
{
    /// <summary>How long the session registry may take to open a session before the connection gives up.</summary>
    internal static readonly TimeSpan SessionOpenTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a closing connection waits for a client that does not read to take what was queued.</summary>
    private static readonly TimeSpan CloseFlushTimeout = TimeSpan.FromSeconds(5);

    private static readonly string LogCategory = typeof(MqttConnection).FullName!;

    private static long s_lastId;
    private static MqttDecoderOptions? s_decoderOptions;

    private readonly IDuplexPipe _transport;
    private readonly ConnectionMetadata _metadata;
    private readonly ListenerLimits _limits;

    // Null without a limit: a connection that has none pays for two references.
    private readonly TokenBucket? _messageBucket;
    private readonly TokenBucket? _byteBucket;
    private readonly BrokerContext _context;
    private readonly CancellationToken _aborted;
    private readonly ILogger _logger;
    private readonly MqttDecoder _decoder;
    private readonly MqttChannel _channel;

    // Guards the channel against the keep-alive timer, which runs on a timer thread while the read loop runs.
    private readonly Lock _channelGate = new();

    // Made only when someone waits for the end (a graceful shutdown): an idle connection holds none. Both
    // guarded by _outboxGate.
    private TaskCompletionSource? _ended;
    private bool _hasEnded;

    private volatile IActorRef? _session;
    private int _disconnectTold;

    private MqttConnection(IDuplexPipe transport, ConnectionMetadata metadata, BrokerContext context, CancellationToken aborted)
    {
        _transport = transport;
        _metadata = metadata;
        _context = context;
        _aborted = aborted;
        // By category name, which the factory caches: CreateLogger<T> would make a Logger<T> per connection.
        _logger = context.LoggerFactory.CreateLogger(LogCategory);
        Id = Interlocked.Increment(ref s_lastId);
        // The broker decodes what clients send; the size check runs on the fixed header, before buffering.
        _decoder = new MqttDecoder(DecoderOptions(context.Settings.MaxPacketSize));
        _limits = context.Limits.GetValueOrDefault(metadata.Listener, ListenerLimits.None);
        var nowTicks = context.Time.GetUtcNow().UtcTicks;
        _messageBucket = _limits.MessagesRate > 0 ? new TokenBucket(_limits.MessagesRate, _limits.MessagesBurst, nowTicks) : null;
        _byteBucket = _limits.BytesRate > 0 ? new TokenBucket(_limits.BytesRate, _limits.BytesBurst, nowTicks) : null;
        _channel = new MqttChannel(context.Settings, this, NowMs(), gate: context.Admission, security: context.Security, peer: metadata.ToPeer());
    }

    public long Id { get; }

    // The neighbours in ConnectionTracker's list, which guards them.
    private MqttConnection? _previousLive;
    private MqttConnection? _nextLive;

    MqttConnection? IIntrusiveNode<MqttConnection>.Previous { get => _previousLive; set => _previousLive = value; }

    MqttConnection? IIntrusiveNode<MqttConnection>.Next { get => _nextLive; set => _nextLive = value; }

    public EndPoint? RemoteEndPoint => _metadata.RemoteEndPoint;

    public MqttProtocolVersion ProtocolVersion => _version;

    public ConnectionMetadata Metadata => _metadata;

    /// <summary>Completes when both loops have ended and the pipe is completed.</summary>
    public Task Completion
    {
        get
        {
            lock (_outboxGate)
            {
                return _hasEnded
                    ? Task.CompletedTask
                    : (_ended ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
        }
    }

    /// <summary>
    /// Serves one client until either side closes. Never throws for what the client does: a malformed
    /// packet, a reset or a keep-alive timeout end this connection alone.
    /// </summary>
    /// <param name="aborted">Signalled by the transport when the connection is gone (Kestrel's ConnectionClosed).</param>
    public static Task RunAsync(IDuplexPipe transport, ConnectionMetadata metadata, BrokerContext context, CancellationToken aborted)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(context);
        return new MqttConnection(transport, metadata, context, aborted).RunCoreAsync();
    }

    public void Close(ReasonCode? reason = null, string? reasonString = null)
    {
        if (Interlocked.Exchange(ref _closeRequested, 1) != 0)
        {
            return;
        }

        // The channel's outbound part drops it on 3.x and before a successful CONNACK [MQTT-3.14.0-1].
        if (reason is { } code)
        {
            var properties = reasonString is null ? MqttProperties.Empty : new MqttProperties { ReasonString = reasonString };
            Enqueue(new DisconnectPacket { ReasonCode = code, Properties = properties });
        }

        CompleteOutbox();
        _inbound.Open();
        // Whatever the client sends from now on is not processed.
        _transport.Input.CancelPendingRead();
    }

    public IInboundCredit? InboundCredit => _inbound;

    /// <summary>What this connection counted so far (<see cref="ConnectionTotals"/>); read from any thread.</summary>
    public ConnectionTotals Totals => ConnectionTotals.Of(Volatile.Read(ref _bytesReceived), Volatile.Read(ref _bytesSent), _channel);

    public bool IsClosed => Volatile.Read(ref _closeRequested) != 0;

    public override string ToString() => $"connection {Id} ({_channel.ClientId ?? "no client id yet"}, {RemoteEndPoint})";

    /// <summary>
    /// Starts the connection and returns its read loop, which ends it (<see cref="EndAsync"/>): one async state
    /// machine lives as long as the connection, not one waiting on another (memory per idle connection).
    /// </summary>
    private Task RunCoreAsync()
    {
        _context.Connections.Register(this);
        _lastReceivedMs = NowMs();
        ScheduleKeepAliveCheck(_lastReceivedMs);
        return ReadLoopAsync();
    }

    private async Task EndAsync()
    {
        Volatile.Write(ref _closeRequested, 1);
        CompleteOutbox();
        CancelKeepAliveCheck();
        TellDisconnected();
        var writing = WriterEnded();
        if (!writing.IsCompleted)
        {
            try
            {
                await writing.WaitAsync(CloseFlushTimeout, _context.Time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The client does not read: drop what it never took.
                _transport.Output.CancelPendingFlush();
                await writing.ConfigureAwait(false);
            }
        }

        await _transport.Output.CompleteAsync().ConfigureAwait(false);
        await _transport.Input.CompleteAsync().ConfigureAwait(false);
        _context.Connections.Unregister(this);
        TaskCompletionSource? ended;
        lock (_outboxGate)
        {
            _hasEnded = true;
            ended = _ended;
        }

        ended?.TrySetResult();
    }

    /// <summary>The session hears once how its connection ended, which decides the will.</summary>
    private void TellDisconnected()
    {
        if (_session is not { } session || Interlocked.Exchange(ref _disconnectTold, 1) != 0)
        {
            return;
        }

        ChannelClose? close;
        lock (_channelGate)
        {
            close = _channel.Closed;
        }

        session.Tell(new ClientDisconnected(this, close?.Kind ?? DisconnectKind.Abnormal, close?.SessionExpirySeconds));
    }

    /// <summary>One options object for every connection while the maximum stays the same, rather than one each.</summary>
    private static MqttDecoderOptions DecoderOptions(int maximumPacketSize)
    {
        var options = s_decoderOptions;
        if (options?.MaximumPacketSize != maximumPacketSize)
        {
            options = new MqttDecoderOptions { MaximumPacketSize = maximumPacketSize, Peer = PeerRole.Client };
            s_decoderOptions = options;
        }

        return options;
    }

    private long NowMs() => _context.Time.GetUtcNow().ToUnixTimeMilliseconds();
}

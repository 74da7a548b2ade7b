using System.Globalization;
using System.Net;
using System.Text;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Topics;
using Broker.Transport.Connections;

namespace Broker.Host.Tracing;

/// <summary>
/// One trace (EMQX's <c>emqx_trace</c> handler): while in force, every packet received from or sent to a matching client
/// (or, for a topic trace, every PUBLISH, SUBSCRIBE and UNSUBSCRIBE of a matching topic) is appended to its file, one
/// line each, until the file reaches <see cref="PacketTracing.MaxFileBytes"/>. Called on the connections' threads: the
/// file is written under a lock, and a failure to write stops this trace, never the connection.
/// </summary>
internal sealed class PacketTrace : IPacketTrace, IDisposable
{
    private readonly Lock _gate = new();
    private readonly IPAddress? _address;
    private readonly TimeProvider _time;
    private readonly long _maxBytes;
    private FileStream? _file;
    private long _bytes;
    private volatile bool _stopped;

    public PacketTrace(string name, TraceType type, string filter, DateTimeOffset startAt, DateTimeOffset endAt, string path, long maxBytes, TimeProvider time)
    {
        Name = name;
        Type = type;
        Filter = filter;
        StartAt = startAt;
        EndAt = endAt;
        Path = path;
        _maxBytes = maxBytes;
        _time = time;
        _address = type == TraceType.IpAddress ? IPAddress.Parse(filter) : null;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
    }

    public string Name { get; }

    public TraceType Type { get; }

    /// <summary>The client id, topic filter or address followed.</summary>
    public string Filter { get; }

    public DateTimeOffset StartAt { get; }

    /// <summary>When it stops; moved to the moment of a stop through the API.</summary>
    public DateTimeOffset EndAt { get; private set; }

    public string Path { get; }

    public long LogSize => Interlocked.Read(ref _bytes);

    public bool IsStopped => _stopped;

    /// <summary>EMQX's status: waiting (before its start), running, stopped.</summary>
    public string Status(DateTimeOffset now) => _stopped || now >= EndAt ? "stopped" : now < StartAt ? "waiting" : "running";

    public void OnPacket(PacketDirection direction, string? clientId, EndPoint? remote, MqttPacket packet)
    {
        if (_stopped || !Matches(clientId, remote, packet))
            return;
        var now = _time.GetUtcNow();
        if (now >= EndAt)
            return;
        var message = direction == PacketDirection.Received ? "mqtt_packet_received" : "mqtt_packet_sent";
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{now:yyyy-MM-dd'T'HH:mm:ss.ffffffzzz} [MQTT] {clientId}@{remote} msg: {message}, packet: {PacketText.Format(packet)}\n");
        Append(Encoding.UTF8.GetBytes(line));
    }

    /// <summary>Stops logging for good (the API's stop, or its end); the file stays for download.</summary>
    public void Stop(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_stopped && now < EndAt)
                EndAt = now;
            _stopped = true;
            _file?.Dispose();
            _file = null;
        }
    }

    public void Dispose() => Stop(_time.GetUtcNow());

    private bool Matches(string? clientId, EndPoint? remote, MqttPacket packet) => Type switch
    {
        TraceType.ClientId => clientId == Filter,
        TraceType.IpAddress => remote is IPEndPoint endPoint && Same(endPoint.Address, _address!),
        _ => packet switch
        {
            PublishPacket publish => TopicMatch.Matches(Filter, publish.Topic),
            SubscribePacket subscribe => subscribe.Subscriptions.Any(s => s.Filter == Filter || TopicMatch.Matches(Filter, s.Filter)),
            UnsubscribePacket unsubscribe => unsubscribe.TopicFilters.Any(f => f == Filter || TopicMatch.Matches(Filter, f)),
            _ => false,
        },
    };

    private static bool Same(IPAddress address, IPAddress traced) =>
        address.Equals(traced) || (address.IsIPv4MappedToIPv6 && address.MapToIPv4().Equals(traced));

    private void Append(byte[] line)
    {
        lock (_gate)
        {
            if (_file is not { } file || _bytes + line.Length > _maxBytes)
                return;
            try
            {
                file.Write(line);
                // Flushed at once: a download or a read of the log sees every line written so far.
                file.Flush();
                Interlocked.Add(ref _bytes, line.Length);
            }
            catch (IOException)
            {
                _stopped = true;
                file.Dispose();
                _file = null;
            }
        }
    }
}

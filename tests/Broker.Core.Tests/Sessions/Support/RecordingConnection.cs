using System.Net;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Xunit.Sdk;

namespace Broker.Core.Tests.Sessions.Support;

/// <summary>An <see cref="IClientConnection"/> that records what the session sends; actor tests wait on it.</summary>
internal sealed class RecordingConnection(long id, MqttProtocolVersion version = MqttProtocolVersion.V500) : IClientConnection
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly object _gate = new();
    private readonly List<MqttPacket> _sent = [];
    private int _read;

    public long Id { get; } = id;

    public EndPoint? RemoteEndPoint => null;

    public MqttProtocolVersion ProtocolVersion { get; } = version;

    public bool IsWritable { get; set; } = true;

    /// <summary>What the session is told the connection takes while writable; nothing sent here ever fills it.</summary>
    public ConnectionRoom WritableRoom { get; set; } = ConnectionRoom.Unlimited;

    public ConnectionRoom Room => IsWritable ? WritableRoom : ConnectionRoom.None;

    public Broker.Core.Messaging.IInboundCredit? InboundCredit { get; set; }

    /// <summary>Set by the first <see cref="Close"/>: the reason given, or null for none.</summary>
    public ReasonCode? CloseReason { get; private set; }

    public bool Closed { get; private set; }

    public bool IsClosed => Closed;

    public IReadOnlyList<MqttPacket> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    public void Send(MqttPacket packet)
    {
        lock (_gate)
        {
            _sent.Add(packet);
            Monitor.PulseAll(_gate);
        }
    }

    public void Close(ReasonCode? reason = null, string? reasonString = null)
    {
        lock (_gate)
        {
            if (!Closed)
            {
                Closed = true;
                CloseReason = reason;
            }

            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Packets sent since the last call, for pure tests that check one step at a time.</summary>
    public IReadOnlyList<MqttPacket> TakeSent()
    {
        lock (_gate)
        {
            var taken = _sent.Skip(_read).ToList();
            _read = _sent.Count;
            return taken;
        }
    }

    /// <summary>Waits for the next packet not yet read by this method or <see cref="TakeSent"/>.</summary>
    public T Next<T>()
        where T : MqttPacket
    {
        lock (_gate)
        {
            var deadline = DateTime.UtcNow + Timeout;
            while (_read >= _sent.Count)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left) && _read >= _sent.Count)
                {
                    throw new XunitException($"Connection {Id}: no {typeof(T).Name} was sent within {Timeout}.");
                }
            }

            var packet = _sent[_read++];
            return packet as T ?? throw new XunitException($"Connection {Id}: expected {typeof(T).Name}, sent {packet}.");
        }
    }

    public void WaitClosed()
    {
        lock (_gate)
        {
            var deadline = DateTime.UtcNow + Timeout;
            while (!Closed)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left) && !Closed)
                {
                    throw new XunitException($"Connection {Id} was not closed within {Timeout}.");
                }
            }
        }
    }
}

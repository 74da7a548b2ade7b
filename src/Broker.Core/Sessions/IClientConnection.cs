using System.Net;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Core.Sessions;

/// <summary>
/// What a session actor sees of the network connection attached to it; its <see cref="SessionState"/> sees
/// none of it, only the data the actor passes on (id, writability, the client's capabilities). Implemented by the
/// connection (Transport/Connections); every member is safe to call from the session actor's thread while
/// the connection's own loops run.
/// </summary>
public interface IClientConnection
{
    /// <summary>Unique per connection in this process, for logs and to tell a takeover's old and new connection apart.</summary>
    long Id { get; }

    EndPoint? RemoteEndPoint { get; }

    MqttProtocolVersion ProtocolVersion { get; }

    /// <summary>
    /// False while the outgoing buffer is above its high-water mark: the session then keeps QoS 0
    /// messages in its own bounded queue instead of sending, and the connection tells the session
    /// <see cref="ConnectionWritable"/> once it has drained.
    /// </summary>
    bool IsWritable { get; }

    /// <summary>
    /// What the connection takes before <see cref="IsWritable"/> turns false: <see cref="ConnectionRoom.None"/> while it is
    /// false. The session's state counts what it sends in a turn against it.
    /// </summary>
    ConnectionRoom Room => IsWritable ? ConnectionRoom.Unlimited : ConnectionRoom.None;

    /// <summary>
    /// Queues a packet for the writer, which batches and flushes once per batch. Outgoing topic
    /// aliases are applied by the connection. Never blocks; a closed connection ignores it.
    /// </summary>
    void Send(MqttPacket packet);

    /// <summary>
    /// The credit each <see cref="ClientPublish"/> from this connection took; the session returns one per
    /// ClientPublish once handled (current connection or not) and passes it to the router for the deliveries.
    /// Null: no inbound flow control.
    /// </summary>
    Messaging.IInboundCredit? InboundCredit => null;

    /// <summary>
    /// Closed, or closing: nothing sent now reaches the client. A session handed a connection that gave up
    /// waiting for it (storage was down longer than the connection waits) treats it as gone at once.
    /// </summary>
    bool IsClosed => false;

    /// <summary>
    /// Closes the connection once what was queued before is written. On 5.0 a DISCONNECT with
    /// <paramref name="reason"/> goes first when one is given (0x8E on takeover, 0x8B on shutdown).
    /// Idempotent.
    /// </summary>
    void Close(ReasonCode? reason = null, string? reasonString = null);
}

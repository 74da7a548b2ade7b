using System.Net;
using Broker.Mqtt.Packets;

namespace Broker.Transport.Connections;

/// <summary>
/// The traces in force (<c>/api/v5/trace</c>): every connection hands each packet it decodes and each one it writes to
/// every trace in <see cref="Active"/>, which decides whether the packet is one of its own and logs it. The connection
/// reads <see cref="Active"/> once per packet, a volatile read of an array that is empty when nothing is traced, so a
/// broker that traces nothing pays one load and one compare a packet.
/// </summary>
public sealed class PacketTraces
{
    private volatile IPacketTrace[] _active = [];

    /// <summary>The traces that log now; empty (never null) when none does.</summary>
    public IPacketTrace[] Active => _active;

    /// <summary>Replaces the set in force, as a whole: a connection sees the old set or the new one.</summary>
    public void Set(IPacketTrace[] traces)
    {
        ArgumentNullException.ThrowIfNull(traces);
        _active = traces;
    }
}

/// <summary>Whether a packet came from the client or goes to it.</summary>
public enum PacketDirection
{
    Received,
    Sent,
}

/// <summary>One trace: told of every packet of every connection while it is in force, on the connection's thread.</summary>
public interface IPacketTrace
{
    /// <param name="clientId">The connection's client id; before the CONNECT is handled, the id that CONNECT names.</param>
    /// <param name="packet">Valid during the call only: a received PUBLISH's payload is a slice of the receive buffer.</param>
    void OnPacket(PacketDirection direction, string? clientId, EndPoint? remote, MqttPacket packet);
}

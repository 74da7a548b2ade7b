using System.Net;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Transport.Tests.Channels.Support;

/// <summary>The connection a channel names in the messages it builds; the channel itself never calls it.</summary>
internal sealed class FakeConnection : IClientConnection
{
    public long Id => 1;

    public EndPoint? RemoteEndPoint => new IPEndPoint(IPAddress.Loopback, 50000);

    public MqttProtocolVersion ProtocolVersion => MqttProtocolVersion.V500;

    public bool IsWritable => true;

    public void Send(MqttPacket packet) => throw new InvalidOperationException("The channel returns replies; it does not send them.");

    public void Close(ReasonCode? reason = null, string? reasonString = null) => throw new InvalidOperationException("The channel returns a close; it does not close.");
}

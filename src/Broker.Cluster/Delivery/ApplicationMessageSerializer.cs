using Akka.Actor;
using Akka.Serialization;
using Broker.Core.Messaging;
using Broker.Core.Persistence;

namespace Broker.Cluster.Delivery;

/// <summary>
/// Akka's serializer for <see cref="ApplicationMessage"/> (bound in <see cref="ClusterHocon"/>): the broker's own
/// stored format, compact and checked on read, instead of Akka's JSON default, which is slow and would need
/// the type's whole graph (MqttProperties, ReadOnlyMemory) to round-trip through Newtonsoft.
/// </summary>
internal sealed class ApplicationMessageSerializer(ExtendedActorSystem system) : Serializer(system)
{
    /// <summary>Unique in the system; Akka keeps 0 to 100 for itself.</summary>
    public override int Identifier => 4301;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) => obj is ApplicationMessage message
        ? ApplicationMessageFormat.Serialize(message)
        : throw new ArgumentException($"{GetType().Name} cannot serialize {obj?.GetType().FullName ?? "null"}.", nameof(obj));

    public override object FromBinary(byte[] bytes, Type type) => ApplicationMessageFormat.Deserialize(bytes);
}

using System.Globalization;
using Akka.Cluster.Sharding;
using Broker.Core.Routing;

namespace Broker.Cluster.Sessions;

/// <summary>
/// The entity of a message is its client id, and the shard a hash of it that every node computes alike (Akka's
/// <c>HashCodeMessageExtractor</c> used <c>string.GetHashCode</c>, which differs between processes, in some versions).
/// </summary>
internal sealed class OwnerMessageExtractor(int shards) : IMessageExtractor
{
    public string EntityId(object message) => ((IOwnerMessage)message).ClientId;

    public object EntityMessage(object message) => message;

    public string ShardId(object message) => ShardId(EntityId(message), message);

    public string ShardId(string entityId, object? messageHint = null) =>
        (StableHash.Of(entityId) % (uint)shards).ToString(CultureInfo.InvariantCulture);
}

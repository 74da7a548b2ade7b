namespace Broker.Core.Routing;

/// <summary>
/// Receives each value a topic matches. A struct (or ref struct) passed by reference to
/// <see cref="TopicTrie{TValue}.Match{TVisitor}"/>, so that a match allocates no closure or list.
/// </summary>
public interface ITopicVisitor<in TValue>
{
    void Visit(TValue value);
}

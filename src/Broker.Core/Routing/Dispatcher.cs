using Broker.Core.Messaging;

namespace Broker.Core.Routing;

/// <summary>
/// Which sessions get a message, as EMQX's broker dispatches: the topic is matched in the <see cref="RouteTable"/>'s
/// node table, the routes that name this node are looked up in its local table, and the sessions are told one
/// <see cref="Deliver"/> per client for its plain subscriptions and one per shared group (<see cref="DeliveryVisitor"/>).
/// Each delivery takes one of the publisher's credits and, where it must, joins the publish's commit. Takes no lock;
/// the message is expected unexpired (the <see cref="Router"/> checks).
/// </summary>
public sealed class Dispatcher
{
    private readonly RouteTable _routes;
    private readonly BrokerMetrics _metrics;
    private readonly SharedMemberPicker _picker;
    private INodeForwarder? _forwarder;

    /// <param name="random">A seeded source for tests; <see cref="Random.Shared"/> otherwise.</param>
    /// <param name="forwarder">The cluster's way to other nodes; null on a node of its own.</param>
    public Dispatcher(RouteTable routes, SharedSubscriptionStrategy strategy, BrokerMetrics metrics, Random? random = null, INodeForwarder? forwarder = null)
    {
        _routes = routes;
        _metrics = metrics;
        _picker = new SharedMemberPicker(strategy, random);
        _forwarder = forwarder;
    }

    /// <summary>
    /// Starts handing messages to other nodes, for a cluster joined while clients are served; publishes already under
    /// way may still go without. Once; a dispatcher built with a forwarder has one already.
    /// </summary>
    public void SetForwarder(INodeForwarder forwarder)
    {
        ArgumentNullException.ThrowIfNull(forwarder);
        if (Interlocked.CompareExchange(ref _forwarder, forwarder, null) is not null)
        {
            throw new InvalidOperationException("The dispatcher already has a forwarder.");
        }
    }

    /// <summary>
    /// Stops handing messages to <paramref name="forwarder"/> (its cluster ended), so that another may be set; publishes
    /// already under way may still reach it. Nothing happens when another forwarder is set.
    /// </summary>
    public void ClearForwarder(INodeForwarder forwarder)
    {
        ArgumentNullException.ThrowIfNull(forwarder);
        Interlocked.CompareExchange(ref _forwarder, null, forwarder);
    }

    /// <summary>
    /// Tells every matching subscriber of this node and hands the message once to every other node with matching
    /// subscribers (see <see cref="IRouter.Publish"/>); returns how many deliveries and forwards there were.
    /// </summary>
    public int Dispatch(ApplicationMessage message, IInboundCredit? credit = null, PublishCommit? commit = null) =>
        Dispatch(message, credit, commit, Volatile.Read(ref _forwarder), pickedGroups: null);

    /// <summary>
    /// A message another node forwarded: this node's plain subscribers and the shared groups it was picked for
    /// (<paramref name="groups"/>, "$share/group/filter") only, so that it never travels back. Its local participants
    /// join <paramref name="commit"/>, whose completion that node waits for before acknowledging.
    /// </summary>
    public int DispatchForwarded(ApplicationMessage message, string[]? groups, PublishCommit? commit = null) =>
        Dispatch(message, null, commit, forwarder: null, pickedGroups: groups ?? []);

    private static bool IsSys(ApplicationMessage message) =>
        message.PublisherId is null && message.Topic.StartsWith("$SYS/", StringComparison.Ordinal);

    private int Dispatch(ApplicationMessage message, IInboundCredit? credit, PublishCommit? commit, INodeForwarder? forwarder, string[]? pickedGroups)
    {
        var visitor = new DeliveryVisitor(_routes, _picker, message, credit, commit, forward: forwarder is not null, pickedGroups);
        _routes.Nodes.Match(message.Topic, ref visitor);
        visitor.DeliverToSubscribers();
        var delivered = visitor.Delivered + (forwarder is null ? 0 : visitor.ForwardToNodes(forwarder));
        // The broker's own $SYS messages are not counted, as EMQX does not (they are mostly published to nobody).
        if (delivered == 0 && !IsSys(message))
        {
            _metrics.MessageDropped(DropReason.NoSubscribers);
        }

        return delivered;
    }

    /// <summary>Gives the message to a member of the group other than <paramref name="excludeClientId"/>; false when none is left.</summary>
    /// <param name="filter">The group's filter, with or without its <c>$share/group/</c> prefix.</param>
    public bool Redispatch(string shareGroup, string filter, ApplicationMessage message, string excludeClientId)
    {
        SharedFilter.TryParse(filter, out _, out var topicFilter);
        if (!_routes.TryGetLocal(topicFilter, out var entry)
            || entry.FindGroup(shareGroup) is not { } group
            || _picker.Pick(group, message, excludeClientId) is not { } member)
        {
            return false;
        }

        member.Session.Tell(new Deliver(message, member.SoleMatch, group.Name));
        return true;
    }
}

using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Broker.Cluster.Queries;
using Broker.Core.Routing;
using Broker.Core.Sessions;
using Broker.Host.Metrics;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Host.Management.Views;

/// <summary>
/// This node's answers to the cluster queries of the API's views (<see cref="ClusterView"/>), one kind each, bodies in
/// <see cref="ViewJson"/>. Registered on this node's <see cref="ClusterQueries"/> whenever a cluster is attached, and
/// called directly on a node alone.
/// <para>
/// To add a query kind (cluster-wide alarms, say): a constant here, a case in <see cref="HandleAsync"/> that reads its
/// body and returns this node's part, and the view that asks every node with <see cref="ClusterView.AskAllAsync"/> and
/// puts the parts together. A node that does not know the kind yet (an older one during an upgrade) answers with a
/// failure, which the view treats as a node that did not answer.
/// </para>
/// </summary>
internal sealed class NodeAnswers(BrokerRuntime runtime)
{
    public const string ClientsCount = "clients.count";
    public const string ClientsPage = "clients.page";
    public const string ClientGet = "client.get";
    public const string ClientKick = "client.kick";
    public const string ClientSubscriptions = "client.subscriptions";
    public const string ClientSubscribe = "client.subscribe";
    public const string ClientUnsubscribe = "client.unsubscribe";
    public const string SubscriptionsCount = "subscriptions.count";
    public const string SubscriptionsPage = "subscriptions.page";
    public const string NodeInfo = "node.info";
    public const string NodeStatsKind = "node.stats";
    public const string NodeMetrics = "node.metrics";

    /// <summary>This node's alarms; the body is "true", "false" or empty, as <c>?activated=</c>.</summary>
    public const string Alarms = "alarms.list";

    /// <summary>This node forgets its cleared alarms.</summary>
    public const string AlarmsClear = "alarms.clear";

    /// <summary>This node's traces, each with this node's log size.</summary>
    public const string TraceList = "trace.list";

    /// <summary>Makes a trace here (a <see cref="NewTraceJson"/> whose start and end the asking node fixed).</summary>
    public const string TraceCreate = "trace.create";

    /// <summary>Stops a trace here; the body is its name.</summary>
    public const string TraceStop = "trace.stop";

    /// <summary>Deletes a trace and its log here; the body is its name.</summary>
    public const string TraceDelete = "trace.delete";

    /// <summary>A part of this node's log of a trace (<see cref="TraceLogQueryJson"/>).</summary>
    public const string TraceLog = "trace.log";

    /// <summary>Applies and keeps a configuration change here (<see cref="ConfigChangeJson"/>); the answer is its problems, none when made.</summary>
    public const string ConfigChange = "config.change";

    private static readonly long StartedAt = Stopwatch.GetTimestamp();

    private readonly LocalClients _clients = new(runtime);

    private readonly NodeTraces _traces = new(runtime.Tracing, runtime.NodeName);

    private static ViewJson Json => ViewJson.Written;

    private static OperationsApiJson Operations => OperationsApiJson.Written;

    public LocalClients Clients => _clients;

    public async Task<byte[]> HandleAsync(NodeQuery query, CancellationToken cancellationToken)
    {
        switch (query.Kind)
        {
            case ClientsCount:
                return Write(await _clients.CountAsync(Read(query, Json.ClientFilter), cancellationToken).ConfigureAwait(false), Json.Int32);
            case ClientsPage:
                var page = Read(query, Json.PageQueryClientFilter);
                return Write(await _clients.PageAsync(page.Filter, page.Offset, page.Limit, cancellationToken).ConfigureAwait(false), Json.ClientJsonArray);
            case ClientGet:
                return WriteOrNull(await _clients.GetAsync(Read(query, Json.ClientCommand).Clientid, cancellationToken).ConfigureAwait(false), Json.ClientJson);
            case ClientKick:
                var kicked = await _clients.AskSessionAsync(Read(query, Json.ClientCommand).Clientid, KickSession.Instance, cancellationToken).ConfigureAwait(false);
                return Write(kicked is SessionKicked, Json.Boolean);
            case ClientSubscriptions:
                return WriteOrNull(await SubscriptionsOfAsync(Read(query, Json.ClientCommand).Clientid, cancellationToken).ConfigureAwait(false), Json.SubscriptionJsonArray);
            case ClientSubscribe:
                return WriteOrNull(await SubscribeAsync(Read(query, Json.ClientCommand), cancellationToken).ConfigureAwait(false), Json.Int32Array);
            case ClientUnsubscribe:
                return WriteOrNull(await UnsubscribeAsync(Read(query, Json.ClientCommand), cancellationToken).ConfigureAwait(false), Json.BooleanArray);
            case SubscriptionsCount:
                return Write(Subscriptions(Read(query, Json.SubscriptionFilter)).Count(), Json.Int32);
            case SubscriptionsPage:
                var subscriptions = Read(query, Json.PageQuerySubscriptionFilter);
                return Write([.. Subscriptions(subscriptions.Filter).Skip(subscriptions.Offset).Take(subscriptions.Limit).Select(ToJson)], Json.SubscriptionJsonArray);
            case NodeInfo:
                return Write(Info(), Json.NodeJson);
            case NodeStatsKind:
                return Write(runtime.Statistics.Stats().Emqx().ToDictionary(s => s.Name, s => s.Value), Json.DictionaryStringInt64);
            case NodeMetrics:
                return Write(runtime.Statistics.Take().EmqxMetrics().ToDictionary(s => s.Name, s => s.Value), Json.DictionaryStringInt64);
            case Alarms:
                return Write([.. AlarmRoutes.ListOf(runtime.Alarms, AlarmRoutes.Activated(System.Text.Encoding.UTF8.GetString(query.Body)), runtime.Alarms.Now)],
                    AlarmApiJson.Written.AlarmJsonArray);
            case AlarmsClear:
                runtime.Alarms.Book.ClearDeactivated();
                return Write(true, Json.Boolean);
            case TraceList:
                return Write(_traces.List(), Operations.TraceJsonArray);
            case TraceCreate:
                return Write(_traces.Create(Read(query, Operations.NewTraceJson)), Operations.TraceCreatedJson);
            case TraceStop:
                return WriteOrNull(_traces.Stop(Text(query)), Operations.TraceJson);
            case TraceDelete:
                return Write(_traces.Delete(Text(query)), Json.Boolean);
            case TraceLog:
                return Write(await _traces.ReadAsync(Read(query, Operations.TraceLogQueryJson), cancellationToken).ConfigureAwait(false), Operations.TraceLogPartJson);
            case ConfigChange:
                var change = Read(query, Operations.ConfigChangeJson);
                return Write([.. runtime.Configuration.Change(change.Root, change.Values)], Operations.StringArray);
            default:
                throw new InvalidOperationException($"this node answers no query \"{query.Kind}\"");
        }
    }

    private async Task<SubscriptionJson[]?> SubscriptionsOfAsync(string clientId, CancellationToken cancellationToken) =>
        await _clients.InfoAsync(clientId, GetSessionInfo.WithFilters, cancellationToken).ConfigureAwait(false) is { } info
            ? [.. info.Subscriptions.Select(s => ToJson(clientId, s.Filter, s.Options))]
            : null;

    private async Task<int[]?> SubscribeAsync(ClientCommand command, CancellationToken cancellationToken)
    {
        var subscriptions = command.Subscribe!.Select(s => new TopicSubscription(
            s.Topic!,
            new SubscriptionOptions((QualityOfService)(s.Qos ?? 0), s.Nl == 1, s.Rap == 1, (RetainHandling)(s.Rh ?? 0)))).ToList();
        return await _clients.AskSessionAsync(command.Clientid, new SubscribeOnBehalf(subscriptions), cancellationToken).ConfigureAwait(false) is SubscribedOnBehalf done
            ? [.. done.Codes.Select(c => (int)c)]
            : null;
    }

    private async Task<bool[]?> UnsubscribeAsync(ClientCommand command, CancellationToken cancellationToken) =>
        await _clients.AskSessionAsync(command.Clientid, new UnsubscribeOnBehalf(command.Unsubscribe!), cancellationToken).ConfigureAwait(false) is UnsubscribedOnBehalf done
            ? [.. done.Existed]
            : null;

    /// <summary>This node's subscriptions the filter selects, walked from the route table's local table (no order, no copy).</summary>
    private IEnumerable<LocalSubscription> Subscriptions(SubscriptionFilter filter) =>
        runtime.Routes.LocalSubscriptions().Where(s =>
            (filter.Clientid is null || filter.Clientid == s.ClientId)
            && (filter.Topic is null || filter.Topic == s.Filter)
            && (filter.Qos is null || filter.Qos == (int)s.Options.MaximumQoS)
            && (filter.ShareGroup is null || filter.ShareGroup == s.ShareGroup)
            && (filter.MatchTopic is null || Broker.Mqtt.Topics.TopicMatch.Matches(TopicOf(s), filter.MatchTopic)));

    private static string TopicOf(LocalSubscription subscription) =>
        SharedFilter.TryParse(subscription.Filter, out _, out var topicFilter) ? topicFilter : subscription.Filter;

    private SubscriptionJson ToJson(LocalSubscription subscription) => ToJson(subscription.ClientId, subscription.Filter, subscription.Options);

    private SubscriptionJson ToJson(string clientId, string filter, SubscriptionOptions options) => new(
        runtime.NodeName, clientId, filter, (int)options.MaximumQoS, options.NoLocal ? 1 : 0, options.RetainAsPublished ? 1 : 0, (int)options.RetainHandling);

    private NodeJson Info()
    {
        var stats = runtime.Statistics.Stats();
        var memory = GC.GetGCMemoryInfo();
        return new NodeJson
        {
            Node = runtime.NodeName,
            NodeStatus = "running",
            Uptime = (long)Stopwatch.GetElapsedTime(StartedAt).TotalMilliseconds,
            Version = BrokerVersion.Text,
            Edition = "Opensource",
            Connections = stats.Sessions,
            LiveConnections = stats.Connections,
            MemoryTotal = memory.TotalAvailableMemoryBytes,
            MemoryUsed = Environment.WorkingSet,
            ProcessUsed = ThreadPool.ThreadCount,
            SysPath = AppContext.BaseDirectory,
        };
    }

    private static T Read<T>(NodeQuery query, JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(query.Body, type) ?? throw new InvalidOperationException($"the body of a \"{query.Kind}\" query is empty");

    private static string Text(NodeQuery query) => System.Text.Encoding.UTF8.GetString(query.Body);

    private static byte[] Write<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.SerializeToUtf8Bytes(value, type);

    /// <summary>null: this node has no live session of the client id.</summary>
    private static byte[] WriteOrNull<T>(T? value, JsonTypeInfo<T> type)
        where T : class => value is null ? "null"u8.ToArray() : Write(value, type);
}

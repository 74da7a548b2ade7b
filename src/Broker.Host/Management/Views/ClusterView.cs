using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Broker.Cluster.Queries;

namespace Broker.Host.Management.Views;

/// <summary>
/// How a view of <c>/api/v5</c> covers the cluster: it asks every Up member (<see cref="ClusterQueries"/>, each node
/// answering with its <see cref="NodeAnswers"/>), or only this node when it is in no cluster. Every node has
/// <see cref="NodeTimeout"/> to answer; one that does not comes back failed, and the view decides: the lists answer 500
/// NODE_DOWN naming it (as EMQX's cluster_query does), stats and metrics leave it out, nodes shows it stopped.
/// <para>
/// Lists page as EMQX's do across nodes: each node counts what the filter selects, then the nodes holding the requested
/// slice (in node-name order) are asked for their part of it; <c>meta.count</c> is the sum of the counts. Two rounds,
/// whatever the number of clients: no node sends more than the page.
/// </para>
/// </summary>
internal sealed class ClusterView(BrokerRuntime runtime)
{
    public static readonly TimeSpan NodeTimeout = TimeSpan.FromSeconds(5);

    public NodeAnswers Local => runtime.Answers;

    /// <summary>The nodes a view asks: every Up member by name, or this node alone.</summary>
    public IReadOnlyList<string> Nodes() => runtime.Cluster is { } cluster ? cluster.Queries.UpMembers() : [runtime.NodeName];

    public async Task<IReadOnlyList<NodeAnswer>> AskAllAsync(string kind, byte[] body, CancellationToken cancellationToken)
    {
        if (runtime.Cluster is { } cluster)
        {
            return await cluster.Queries.AskAllAsync(new NodeQuery(kind, body), NodeTimeout, cancellationToken).ConfigureAwait(false);
        }

        return [await AskAsync(runtime.NodeName, kind, body, cancellationToken).ConfigureAwait(false)];
    }

    public async Task<NodeAnswer> AskAsync(string node, string kind, byte[] body, CancellationToken cancellationToken)
    {
        if (runtime.Cluster is { } cluster)
        {
            return await cluster.Queries.AskAsync(node, new NodeQuery(kind, body), NodeTimeout, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return new NodeAnswer(node, await Local.HandleAsync(new NodeQuery(kind, body), cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new NodeAnswer(node, null, e.Message);
        }
    }

    /// <summary>
    /// One page of a list across <paramref name="nodes"/>: what each counts (<paramref name="countKind"/>), then the slice from
    /// those that hold it (<paramref name="pageKind"/>). Null with the first node that failed.
    /// </summary>
    public async Task<(PageJson<T>? Page, NodeAnswer? Failed)> PageAsync<TFilter, T>(
        IReadOnlyList<string> nodes, string countKind, string pageKind, TFilter filter, JsonTypeInfo<TFilter> filterType,
        JsonTypeInfo<PageQuery<TFilter>> pageType, JsonTypeInfo<T[]> rowsType, (int Page, int Limit) paging, CancellationToken cancellationToken)
    {
        var filterBody = JsonSerializer.SerializeToUtf8Bytes(filter, filterType);
        var counts = await Task.WhenAll(nodes.Select(node => AskAsync(node, countKind, filterBody, cancellationToken))).ConfigureAwait(false);
        if (counts.FirstOrDefault(c => !c.Answered) is { } down)
        {
            return (null, down);
        }

        var perNode = counts.Select(c => JsonSerializer.Deserialize(c.Body, ViewJson.Written.Int32)).ToArray();
        var start = (long)(paging.Page - 1) * paging.Limit;
        var asks = new List<Task<NodeAnswer>>();
        long before = 0;
        for (var i = 0; i < nodes.Count; i++)
        {
            var from = Math.Max(0, start - before);
            var to = Math.Min(perNode[i], start + paging.Limit - before);
            if (to > from)
            {
                var body = JsonSerializer.SerializeToUtf8Bytes(new PageQuery<TFilter>(filter, (int)from, (int)(to - from)), pageType);
                asks.Add(AskAsync(nodes[i], pageKind, body, cancellationToken));
            }

            before += perNode[i];
        }

        var parts = await Task.WhenAll(asks).ConfigureAwait(false);
        if (parts.FirstOrDefault(p => !p.Answered) is { } failed)
        {
            return (null, failed);
        }

        var rows = parts.SelectMany(p => JsonSerializer.Deserialize(p.Body, rowsType) ?? []).ToList();
        return (new PageJson<T>(rows, new PageMetaJson(paging.Page, paging.Limit, (int)Math.Min(int.MaxValue, before))), null);
    }

    /// <summary>EMQX's answer when a node of a list did not answer.</summary>
    public static Task NodeDown(Microsoft.AspNetCore.Http.HttpContext context, NodeAnswer failed) =>
        ApiRequests.Error(context, Microsoft.AspNetCore.Http.StatusCodes.Status500InternalServerError, "NODE_DOWN", $"node {failed.Node} did not answer: {failed.Failure}");
}

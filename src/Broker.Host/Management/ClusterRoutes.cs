using Broker.Cluster;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Broker.Host.Management;

/// <summary>
/// Akka Management's cluster routes over this node's <see cref="BrokerRuntime"/>:
/// <code>
///   GET    /cluster/members             the membership as this node sees it (MembersJson)
///   POST   /cluster/members             form address=host:port: join that node's cluster (manual discovery)
///   GET    /cluster/members/{address}   one member (MemberJson), 404 when none has that address
///   PUT    /cluster/members/{address}   form operation=Leave|Down
///   DELETE /cluster/members/{address}   Leave
/// </code>
/// {address} is a member's address as the list shows it (URL-encoded), without its scheme, or its host:port.
/// Operations answer {"message": ...}: 200 when asked of the cluster (which carries them out by gossip), 400 for
/// input that is not understood, 404 for an unknown member, 409 when the node's state refuses it.
/// </summary>
internal sealed partial class ClusterRoutes(BrokerRuntime runtime, ILogger logger)
{
    public const string MembersPath = "/cluster/members";

    public Task GetMembersAsync(HttpContext context)
    {
        if (runtime.Cluster is not { } cluster)
        {
            return ManagementResponses.Json(context, StatusCodes.Status200OK,
                new MembersJson(runtime.NodeName, [], [], null, null, new Dictionary<string, string>(), Clustered: false),
                ManagementJson.Written.MembersJson);
        }

        var members = cluster.Members;
        return ManagementResponses.Json(context, StatusCodes.Status200OK,
            new MembersJson(
                members.SelfNode,
                [.. members.Members.OrderBy(m => m.Node, StringComparer.Ordinal).Select(ToJson)],
                [.. members.Unreachable.Select(u => new UnreachableMemberJson(u.Node, u.ObservedBy))],
                members.Leader,
                members.Oldest,
                members.OldestPerRole,
                Clustered: true),
            ManagementJson.Written.MembersJson);
    }

    public Task GetMemberAsync(HttpContext context) =>
        FindMember(context) is { } member
            ? ManagementResponses.Json(context, StatusCodes.Status200OK, ToJson(member), ManagementJson.Written.MemberJson)
            : MemberNotFound(context);

    public async Task PutMemberAsync(HttpContext context)
    {
        var operation = await ManagementResponses.FormField(context, "operation").ConfigureAwait(false);
        if (!string.Equals(operation, "leave", StringComparison.OrdinalIgnoreCase) && !string.Equals(operation, "down", StringComparison.OrdinalIgnoreCase))
        {
            await ManagementResponses.Message(context, StatusCodes.Status400BadRequest,
                $"Operation not supported: form field 'operation' must be Leave or Down, got '{operation}'").ConfigureAwait(false);
            return;
        }

        if (FindMember(context) is not { } member)
        {
            await MemberNotFound(context).ConfigureAwait(false);
            return;
        }

        var down = string.Equals(operation, "down", StringComparison.OrdinalIgnoreCase);
        await (down ? Down(context, member) : Leave(context, member)).ConfigureAwait(false);
    }

    public Task DeleteMemberAsync(HttpContext context) =>
        FindMember(context) is { } member ? Leave(context, member) : MemberNotFound(context);

    public async Task JoinAsync(HttpContext context)
    {
        var address = await ManagementResponses.FormField(context, "address").ConfigureAwait(false);
        var clusterName = runtime.ClusterName;
        if (address is null)
        {
            await ManagementResponses.Message(context, StatusCodes.Status400BadRequest,
                "Form field 'address' is required: the cluster endpoint (host:port) of a member, or this node's own to start a cluster").ConfigureAwait(false);
            return;
        }

        if (!MemberAddress.TryGetEndpoint(address, clusterName, out var seed, out var error))
        {
            await ManagementResponses.Message(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
            return;
        }

        var (status, message) = await JoinAsync(seed, context.RequestAborted).ConfigureAwait(false);
        await ManagementResponses.Message(context, status, message).ConfigureAwait(false);
    }

    private async Task<(int Status, string Message)> JoinAsync(string seed, CancellationToken cancellationToken)
    {
        try
        {
            var cluster = await runtime.JoinClusterAsync(seed, cancellationToken).ConfigureAwait(false);
            LogOperation(logger, "join", $"akka.tcp://{cluster.Settings.Name}@{seed}");
            return (StatusCodes.Status200OK, $"Joining akka.tcp://{cluster.Settings.Name}@{seed}");
        }
        catch (ArgumentException e)
        {
            return (StatusCodes.Status400BadRequest, e.Message);
        }
        catch (InvalidOperationException e)
        {
            return (StatusCodes.Status409Conflict, e.Message);
        }
        catch (ClusterStartException e)
        {
            return (StatusCodes.Status500InternalServerError, e.Message);
        }
    }

    private Task Leave(HttpContext context, ClusterMember member)
    {
        runtime.LeaveCluster(member.Node);
        LogOperation(logger, "leave", member.Node);
        var self = member.Node == runtime.NodeName ? " (this node: it stops once the others have removed it)" : "";
        return ManagementResponses.Message(context, StatusCodes.Status200OK, $"Leaving {member.Node}{self}");
    }

    private Task Down(HttpContext context, ClusterMember member)
    {
        runtime.Cluster!.Down(member.Node);
        LogOperation(logger, "down", member.Node);
        return ManagementResponses.Message(context, StatusCodes.Status200OK, $"Downing {member.Node}");
    }

    private ClusterMember? FindMember(HttpContext context) =>
        runtime.Cluster is { } cluster ? MemberAddress.Find(cluster.Members.Members, AddressIn(context)) : null;

    private Task MemberNotFound(HttpContext context)
    {
        var hint = runtime.Cluster is null ? ": this node is not in a cluster (manual discovery, not joined yet)" : "";
        return ManagementResponses.Message(context, StatusCodes.Status404NotFound, $"Member [{AddressIn(context)}] not found{hint}");
    }

    /// <summary>
    /// The {address} of the path, decoded whole: the router leaves %2F encoded, and an address written unencoded
    /// ("akka.tcp://...") has slashes of its own.
    /// </summary>
    private static string AddressIn(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        return Uri.UnescapeDataString(path.Length > MembersPath.Length + 1 ? path[(MembersPath.Length + 1)..] : "");
    }

    private static MemberJson ToJson(ClusterMember member) =>
        new(member.Node, member.NodeUid, member.Status.ToString(), member.Roles);

    [LoggerMessage(Level = LogLevel.Information, Message = "Management: {Operation} {Node}, as asked")]
    private static partial void LogOperation(ILogger logger, string operation, string node);
}

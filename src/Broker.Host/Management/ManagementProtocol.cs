using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Broker.Host.Management;

// The management endpoint's JSON, in Akka Management's cluster HTTP shape (the names of its ClusterHttpManagement
// protocol), so that scripts written for Akka clusters read it as they are. `broker ctl cluster` reads it back.

/// <summary>One member, as <c>GET /cluster/members/{address}</c> answers; <c>Status</c> is Akka's name (Joining, Up, Leaving...).</summary>
internal sealed record MemberJson(string Node, string NodeUid, string Status, IReadOnlyList<string> Roles);

/// <summary>A member some node's failure detector has lost, and the members known to have lost it.</summary>
internal sealed record UnreachableMemberJson(string Node, IReadOnlyList<string> ObservedBy);

/// <summary>
/// <c>GET /cluster/members</c>. On a node not in a cluster (manual discovery, not joined yet) <c>SelfNode</c> is the
/// address it will have, <c>Members</c> is empty and <c>Clustered</c> is false: a script counting Up members counts
/// none, as no cluster holds this node. <c>Clustered</c> is ours; the other fields are Akka Management's.
/// </summary>
internal sealed record MembersJson(
    string SelfNode,
    IReadOnlyList<MemberJson> Members,
    IReadOnlyList<UnreachableMemberJson> Unreachable,
    string? Leader,
    string? Oldest,
    IReadOnlyDictionary<string, string> OldestPerRole,
    bool Clustered);

/// <summary>What every operation, error and probe answers.</summary>
internal sealed record MessageJson(string Message);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(MembersJson))]
[JsonSerializable(typeof(MemberJson))]
[JsonSerializable(typeof(MessageJson))]
internal sealed partial class ManagementJson : JsonSerializerContext
{
    /// <summary>As the endpoint writes: quotes and apostrophes in messages as they are, not \u0027 (no HTML reads this).</summary>
    public static ManagementJson Written { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

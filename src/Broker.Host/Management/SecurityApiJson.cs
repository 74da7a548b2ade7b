using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Broker.Host.Management;

// The users' and bans' routes speak EMQX 5's REST API (/api/v5/authentication/{id}/users, /api/v5/banned): its paths,
// field names and paging, so that its users' scripts work here.

/// <summary>A user as the API shows it: never its hash.</summary>
internal sealed record UserJson(string UserId, bool IsSuperuser);

/// <summary>POST users: a new user, the password in clear (hashed by the node before anything is stored).</summary>
internal sealed record NewUserJson(string? UserId, string? Password, bool? IsSuperuser);

/// <summary>PUT users/{user_id}: a new password, and the super user flag (unchanged when absent).</summary>
internal sealed record UserUpdateJson(string? Password, bool? IsSuperuser);

/// <summary>A ban (EMQX's fields); in a POST only <c>as</c> and <c>who</c> are required: by "mgmt_api", at now, until never.</summary>
internal sealed record BanJson(string? As, string? Who, string? By, string? Reason, DateTimeOffset? At, DateTimeOffset? Until);

/// <summary>The built-in database's rules of one username or client id (one of the two set), or for all (neither).</summary>
internal sealed record AclRulesJson(string? Username, string? Clientid, System.Text.Json.JsonElement Rules);

internal sealed record PageMetaJson(int Page, int Limit, int Count);

internal sealed record PageJson<T>(IReadOnlyList<T> Data, PageMetaJson Meta);

/// <summary>EMQX's error answer: a code (NOT_FOUND, BAD_REQUEST, ALREADY_EXISTS) and a message.</summary>
internal sealed record ApiErrorJson(string Code, string Message);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UserJson))]
[JsonSerializable(typeof(NewUserJson))]
[JsonSerializable(typeof(UserUpdateJson))]
[JsonSerializable(typeof(BanJson))]
[JsonSerializable(typeof(PageJson<UserJson>))]
[JsonSerializable(typeof(PageJson<BanJson>))]
[JsonSerializable(typeof(ApiErrorJson))]
[JsonSerializable(typeof(AclRulesJson))]
[JsonSerializable(typeof(AclRulesJson[]))]
[JsonSerializable(typeof(PageJson<AclRulesJson>))]
internal sealed partial class SecurityApiJson : JsonSerializerContext
{
    /// <summary>As the endpoint writes: user ids and reasons as they are, not \u0027 (no HTML reads this).</summary>
    public static SecurityApiJson Written { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

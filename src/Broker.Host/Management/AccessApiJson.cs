using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Broker.Host.Management;

// Logins, dashboard users and API keys in EMQX 5's shape (/api/v5/login, /users, /api_key): its field names, so that
// its dashboard's and users' scripts work here.

internal sealed record LoginJson(string? Username, string? Password);

/// <summary>
/// The answer to a login, EMQX's fields (token, version, license, role) and one of the broker's own:
/// <c>password_change_required</c>, true while the password is still <c>dashboard.default_password</c>, for the
/// dashboard to ask for a new one (EMQX 5's dashboard compares the typed password itself; saying it here lets any
/// client know, and a changed default_password counts too).
/// </summary>
internal sealed record LoginAnswerJson(string Token, string Version, LicenseJson License, string Role, bool PasswordChangeRequired);

internal sealed record LicenseJson(string Edition);

internal sealed record LogoutJson(string? Username);

internal sealed record DashboardUserJson(string Username, string Role, string Description, string Backend);

internal sealed record NewDashboardUserJson(string? Username, string? Password, string? Role, string? Description);

internal sealed record DashboardUserUpdateJson(string? Role, string? Description);

internal sealed record ChangePasswordJson(string? OldPwd, string? NewPwd);

/// <summary>An API key as EMQX shows it; <c>api_secret</c> only in the answer to its creation. <c>expired_at</c>: "infinity" or RFC 3339.</summary>
internal sealed record ApiKeyJson(string Name, string ApiKey, string? ApiSecret, string Desc, bool Enable, string ExpiredAt, DateTimeOffset CreatedAt, bool Expired, string Role);

/// <summary>POST and PUT api_key: <c>expired_at</c> "infinity", RFC 3339 or Unix seconds; absent fields unchanged (PUT) or defaulted (POST).</summary>
internal sealed record ApiKeyRequestJson(string? Name, string? Desc, bool? Enable, JsonElement? ExpiredAt, string? Role);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LoginJson))]
[JsonSerializable(typeof(LoginAnswerJson))]
[JsonSerializable(typeof(LogoutJson))]
[JsonSerializable(typeof(DashboardUserJson))]
[JsonSerializable(typeof(DashboardUserJson[]))]
[JsonSerializable(typeof(NewDashboardUserJson))]
[JsonSerializable(typeof(DashboardUserUpdateJson))]
[JsonSerializable(typeof(ChangePasswordJson))]
[JsonSerializable(typeof(ApiKeyJson))]
[JsonSerializable(typeof(ApiKeyJson[]))]
[JsonSerializable(typeof(ApiKeyRequestJson))]
[JsonSerializable(typeof(string))]
internal sealed partial class AccessApiJson : JsonSerializerContext
{
    /// <summary>As the endpoint writes: names and descriptions as they are, not \u0027 (no HTML reads this).</summary>
    public static AccessApiJson Written { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

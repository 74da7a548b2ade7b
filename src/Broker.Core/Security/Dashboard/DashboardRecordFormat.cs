using System.Text.Json;
using System.Text.Json.Serialization;
using Broker.Core.Security.Records;

namespace Broker.Core.Security.Dashboard;

/// <summary>Dashboard users, API keys and tokens as <see cref="SecurityRecord"/> values: JSON, snake_case as EMQX's fields.</summary>
public static partial class DashboardRecordFormat
{
    public static string Serialize(DashboardUser user) => JsonSerializer.Serialize(user, Context.Default.DashboardUser);

    public static string Serialize(ApiKey key) => JsonSerializer.Serialize(key, Context.Default.ApiKey);

    public static string Serialize(ApiToken token) => JsonSerializer.Serialize(token, Context.Default.ApiToken);

    /// <exception cref="FormatException">Not a user of this format.</exception>
    public static DashboardUser User(string value) =>
        RecordJson.Read(value, Context.Default.DashboardUser) is { Username.Length: > 0, PasswordHash.Length: > 0, Salt: not null, Iterations: > 0 } user
        && AdminRole.IsKnown(user.Role)
            ? user with { Description = user.Description ?? "" }
            : throw new FormatException("a dashboard user needs username, password_hash, salt, iterations and a known role");

    /// <exception cref="FormatException">Not an API key of this format.</exception>
    public static ApiKey Key(string value) =>
        RecordJson.Read(value, Context.Default.ApiKey) is { Name.Length: > 0, Key.Length: > 0, SecretHash.Length: > 0, Salt: not null } key
        && AdminRole.IsKnown(key.Role)
            ? key with { Description = key.Description ?? "" }
            : throw new FormatException("an API key needs name, key, secret_hash, salt and a known role");

    /// <exception cref="FormatException">Not a token of this format.</exception>
    public static ApiToken Token(string value) =>
        RecordJson.Read(value, Context.Default.ApiToken) is { Username.Length: > 0 } token && AdminRole.IsKnown(token.Role)
            ? token
            : throw new FormatException("a token needs username and a known role");

    [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
    [JsonSerializable(typeof(DashboardUser))]
    [JsonSerializable(typeof(ApiKey))]
    [JsonSerializable(typeof(ApiToken))]
    internal sealed partial class Context : JsonSerializerContext;
}

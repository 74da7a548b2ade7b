using System.Text.Json;
using System.Text.Json.Serialization;
using Broker.Core.Security.Records;

namespace Broker.Core.Security.Authentication.Scram;

/// <summary>A <see cref="ScramUser"/> as a <see cref="SecurityRecord"/>'s value: JSON with EMQX's field names, the keys in base64.</summary>
public static partial class ScramUserFormat
{
    public static string Serialize(ScramUser user) => JsonSerializer.Serialize(
        new StoredScramUser(user.UserId, Convert.ToBase64String(user.StoredKey), Convert.ToBase64String(user.ServerKey), Convert.ToBase64String(user.Salt), user.IsSuperuser),
        StoredScramUserContext.Default.StoredScramUser);

    /// <exception cref="FormatException">Not a user of this format.</exception>
    public static ScramUser Deserialize(string value)
    {
        var stored = RecordJson.Read(value, StoredScramUserContext.Default.StoredScramUser);
        return stored is { UserId.Length: > 0, StoredKey: not null, ServerKey: not null, Salt: not null }
            ? new ScramUser(stored.UserId, Convert.FromBase64String(stored.StoredKey), Convert.FromBase64String(stored.ServerKey), Convert.FromBase64String(stored.Salt), stored.IsSuperuser)
            : throw new FormatException("a SCRAM user needs user_id, stored_key, server_key and salt");
    }

    internal sealed record StoredScramUser(
        [property: JsonPropertyName("user_id")] string UserId,
        [property: JsonPropertyName("stored_key")] string StoredKey,
        [property: JsonPropertyName("server_key")] string ServerKey,
        [property: JsonPropertyName("salt")] string Salt,
        [property: JsonPropertyName("is_superuser")] bool IsSuperuser);

    [JsonSerializable(typeof(StoredScramUser))]
    internal sealed partial class StoredScramUserContext : JsonSerializerContext;
}

using System.Text.Json;
using System.Text.Json.Serialization;
using Broker.Core.Security.Records;

namespace Broker.Core.Security.Authentication;

/// <summary>A <see cref="BuiltInUser"/> as a <see cref="Records.SecurityRecord"/>'s value: JSON with EMQX's field names.</summary>
public static partial class BuiltInUserFormat
{
    public static string Serialize(BuiltInUser user) =>
        JsonSerializer.Serialize(new StoredUser(user.UserId, user.PasswordHash, user.Salt, user.IsSuperuser), StoredUserContext.Default.StoredUser);

    /// <exception cref="FormatException">Not a user of this format.</exception>
    public static BuiltInUser Deserialize(string value)
    {
        var stored = RecordJson.Read(value, StoredUserContext.Default.StoredUser);
        return stored is { UserId.Length: > 0, PasswordHash: not null, Salt: not null }
            ? new BuiltInUser(stored.UserId, stored.PasswordHash, stored.Salt, stored.IsSuperuser)
            : throw new FormatException("a user needs user_id, password_hash and salt");
    }

    internal sealed record StoredUser(
        [property: JsonPropertyName("user_id")] string UserId,
        [property: JsonPropertyName("password_hash")] string PasswordHash,
        [property: JsonPropertyName("salt")] string Salt,
        [property: JsonPropertyName("is_superuser")] bool IsSuperuser);

    [JsonSerializable(typeof(StoredUser))]
    internal sealed partial class StoredUserContext : JsonSerializerContext;
}

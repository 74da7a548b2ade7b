using System.Text.Json;
using System.Text.Json.Serialization;
using Broker.Core.Security.Records;

namespace Broker.Core.Security.Protection;

/// <summary>A <see cref="Ban"/> as a <see cref="Records.SecurityRecord"/>'s value: JSON with EMQX's field names.</summary>
public static partial class BanFormat
{
    /// <summary>The record key of a ban: one entry per kind and subject, as in the list.</summary>
    public static string Key(BanKind kind, string who) => BanKindNames.Format(kind) + ":" + who;

    public static string Serialize(Ban ban) =>
        JsonSerializer.Serialize(new StoredBan(BanKindNames.Format(ban.Kind), ban.Who, ban.By, ban.Reason, ban.At, ban.Until), StoredBanContext.Default.StoredBan);

    /// <exception cref="FormatException">Not a ban of this format.</exception>
    public static Ban Deserialize(string value)
    {
        var stored = RecordJson.Read(value, StoredBanContext.Default.StoredBan);
        return stored is { Who.Length: > 0, By: not null, Reason: not null } && BanKindNames.TryParse(stored.As, out var kind)
            ? new Ban(kind, stored.Who, stored.By, stored.Reason, stored.At, stored.Until)
            : throw new FormatException("a ban needs a known \"as\", who, by and reason");
    }

    internal sealed record StoredBan(
        [property: JsonPropertyName("as")] string As,
        [property: JsonPropertyName("who")] string Who,
        [property: JsonPropertyName("by")] string By,
        [property: JsonPropertyName("reason")] string Reason,
        [property: JsonPropertyName("at")] DateTimeOffset At,
        [property: JsonPropertyName("until")] DateTimeOffset? Until);

    [JsonSerializable(typeof(StoredBan))]
    internal sealed partial class StoredBanContext : JsonSerializerContext;
}

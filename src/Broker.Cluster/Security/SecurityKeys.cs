using System.Text.Json;
using Akka.DistributedData;
using Broker.Core.Routing;
using Broker.Core.Security.Records;

namespace Broker.Cluster.Security;

/// <summary>
/// How security records are laid out in distributed data: <see cref="Count"/> ORSet keys, a record in the key its
/// entry's stable hash picks, each version of a record one element (JSON: version, kind, key, value). Every node takes
/// the greatest version of an entry (<see cref="SecurityRecord.Supersedes"/>), so concurrent writes end the same
/// everywhere; a writer removes the versions it saw. As many keys as the routes' keep each far below the 128 KB
/// remoting frame a key's full state must fit in (akka.net#7250): a user is about 230 bytes with its element's dot, so
/// 256 keys hold about 100,000 users and bans at 90 KB each; more belong in PostgreSQL (its authenticator).
/// </summary>
internal static class SecurityKeys
{
    public const int Count = 256;

    public static readonly IReadOnlyList<ORSetKey<string>> All =
        Enumerable.Range(0, Count).Select(i => new ORSetKey<string>($"broker-security-{i:D3}")).ToArray();

    public static ORSetKey<string> For(SecurityRecord record) => All[(int)(StableHash.Of(record.Kind + "\n" + record.Key) % Count)];

    public static string Element(SecurityRecord record) =>
        JsonSerializer.Serialize(new object?[] { record.Version, record.Kind, record.Key, record.Value });

    /// <summary>The record of an element; null for one this node cannot read (a newer node's format), which it leaves alone.</summary>
    public static SecurityRecord? Parse(string element)
    {
        try
        {
            using var json = JsonDocument.Parse(element);
            var fields = json.RootElement;
            if (fields.ValueKind != JsonValueKind.Array || fields.GetArrayLength() != 4)
            {
                return null;
            }

            var value = fields[3].ValueKind == JsonValueKind.Null ? null : fields[3].GetString();
            return new SecurityRecord(fields[1].GetString()!, fields[2].GetString()!, value, fields[0].GetInt64());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    public static bool SameEntry(SecurityRecord a, SecurityRecord b) => a.Kind == b.Kind && a.Key == b.Key;
}

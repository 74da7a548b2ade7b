using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Broker.Core.Security.Records;

namespace Broker.Core.Security.Dashboard;

/// <summary>
/// The bearer tokens of dashboard logins, records of <see cref="TableKind"/> in the <see cref="SecurityStore"/>: as
/// EMQX keeps its tokens in a replicated table, a token issued on one node is known to every node once the record has
/// reached it (a gossip round or two), and a logout removes it everywhere. A token is 256 random bits, stored only as its
/// SHA-256, so the node's storage and the replicated data hold no usable token; checking one is a hash and a lookup. A
/// token past its end is refused with its own answer (EMQX's TOKEN_TIME_OUT), then swept with the store's other ended
/// entries.
/// </summary>
public sealed class ApiTokens : IRecordTable
{
    public const string TableKind = "dashboard/tokens";

    private readonly ConcurrentDictionary<string, ApiToken> _tokens = new(StringComparer.Ordinal);
    private readonly SecurityStore _store;

    /// <summary>Registers itself in <paramref name="store"/>.</summary>
    public ApiTokens(SecurityStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        store.Register(this);
    }

    public string Kind => TableKind;

    /// <summary>A new token for <paramref name="user"/>, valid for <paramref name="lifetime"/> from <paramref name="now"/>; stored before it is returned.</summary>
    public async Task<string> IssueAsync(DashboardUser user, TimeSpan lifetime, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(user);
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        await _store.PutAsync(TableKind, Id(token), DashboardRecordFormat.Serialize(new ApiToken(user.Username, user.Role, now + lifetime))).ConfigureAwait(false);
        return token;
    }

    /// <summary>The token's entry, expired or not; null when this node does not know it.</summary>
    public ApiToken? Find(string token) => _tokens.GetValueOrDefault(Id(token));

    public Task<bool> RevokeAsync(string token) => _store.RemoveAsync(TableKind, Id(token));

    /// <summary>Every token of <paramref name="username"/> goes (the user was deleted or its password changed).</summary>
    public async Task RevokeAllAsync(string username)
    {
        foreach (var id in _tokens.Where(t => t.Value.Username == username).Select(t => t.Key).ToList())
        {
            await _store.RemoveAsync(TableKind, id).ConfigureAwait(false);
        }
    }

    public void Apply(string key, string? value)
    {
        if (value is null)
        {
            _tokens.TryRemove(key, out _);
            return;
        }

        _tokens[key] = DashboardRecordFormat.Token(value);
    }

    public bool IsExpired(string value, DateTimeOffset now) => DashboardRecordFormat.Token(value).IsExpired(now);

    private static string Id(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

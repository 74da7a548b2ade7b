using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Broker.Core.Security.Records;

namespace Broker.Core.Security.Dashboard;

/// <summary>
/// The HTTP API's keys (EMQX 5's <c>/api/v5/api_key</c>), records of <see cref="TableKind"/> in the
/// <see cref="SecurityStore"/> by name, found here by key. Every API request with a key checks its secret, so the check
/// is one SHA-256 of a salt and the secret, not PBKDF2: the secrets the node makes are 256 random bits, which no
/// guessing can reach however fast each guess is, so slowing the hash would only slow every request (EMQX too hashes API
/// secrets with a single PBKDF2 round). A secret an operator writes in <c>api_key.bootstrap_file</c> is as strong as
/// they make it, and that file holds it in clear anyway.
/// </summary>
public sealed class ApiKeys : IRecordTable
{
    public const string TableKind = "dashboard/api_keys";

    private readonly ConcurrentDictionary<string, ApiKey> _byName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ApiKey> _byKey = new(StringComparer.Ordinal);
    private readonly SecurityStore _store;

    /// <summary>Registers itself in <paramref name="store"/>.</summary>
    public ApiKeys(SecurityStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        store.Register(this);
    }

    public string Kind => TableKind;

    public ApiKey? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Every key, in name order.</summary>
    public IReadOnlyList<ApiKey> List() => [.. _byName.Values.OrderBy(k => k.Name, StringComparer.Ordinal)];

    /// <summary>A new key with a new random secret; the secret is returned here and never again.</summary>
    public async Task<(ApiKey Key, string Secret)> CreateAsync(string name, string description, bool enable, DateTimeOffset? expiredAt, string role, DateTimeOffset now)
    {
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var key = Make(name, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), secret, description, enable, expiredAt, role, now);
        await _store.PutAsync(TableKind, name, DashboardRecordFormat.Serialize(key)).ConfigureAwait(false);
        return (key, secret);
    }

    /// <summary>A key of <c>api_key.bootstrap_file</c>: version 0, so a change made at run time outranks it.</summary>
    public void Seed(string key, string secret, string role)
    {
        var name = "bootstrap-" + key;
        _store.Seed(TableKind, name, DashboardRecordFormat.Serialize(Make(name, key, secret, "from api_key.bootstrap_file", true, null, role, DateTimeOffset.UnixEpoch)));
    }

    public Task UpdateAsync(ApiKey key) => _store.PutAsync(TableKind, key.Name, DashboardRecordFormat.Serialize(key));

    public Task<bool> RemoveAsync(string name) => _store.RemoveAsync(TableKind, name);

    /// <summary>The key when <paramref name="secret"/> is its secret, it is enabled and not expired; null otherwise.</summary>
    public ApiKey? Verify(string key, string secret, DateTimeOffset now)
    {
        if (!_byKey.TryGetValue(key, out var found) || !found.Enable || found.IsExpired(now))
        {
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(Hash(found.Salt, secret), Convert.FromHexString(found.SecretHash)) ? found : null;
    }

    public void Apply(string key, string? value)
    {
        if (_byName.TryRemove(key, out var old))
        {
            _byKey.TryRemove(new KeyValuePair<string, ApiKey>(old.Key, old));
        }

        if (value is null)
        {
            return;
        }

        var apiKey = DashboardRecordFormat.Key(value);
        if (apiKey.Name != key)
        {
            throw new FormatException($"the record of API key '{key}' holds '{apiKey.Name}'");
        }

        _byName[key] = apiKey;
        _byKey[apiKey.Key] = apiKey;
    }

    // Expired keys stay, listed as expired, as EMQX keeps them: an operator extends or deletes them.
    public bool IsExpired(string value, DateTimeOffset now) => false;

    private static ApiKey Make(string name, string key, string secret, string description, bool enable, DateTimeOffset? expiredAt, string role, DateTimeOffset now)
    {
        var salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return new ApiKey(name, key, Convert.ToHexStringLower(Hash(salt, secret)), salt, enable, expiredAt, now, description, role);
    }

    private static byte[] Hash(string salt, string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(salt + secret));
}

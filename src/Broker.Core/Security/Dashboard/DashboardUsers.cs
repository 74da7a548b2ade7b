using System.Collections.Concurrent;
using System.Text;
using Broker.Core.Security.Authentication;
using Broker.Core.Security.Records;

namespace Broker.Core.Security.Dashboard;

/// <summary>
/// The dashboard's users (EMQX's admins): records of <see cref="TableKind"/> in the <see cref="SecurityStore"/>, so
/// stored on the node and shared with every node of the cluster, as EMQX keeps them in a replicated Mnesia table.
/// Passwords are checked at login only, never on each API request (a login gives a token), so their hash may be slow.
/// </summary>
public sealed class DashboardUsers : IRecordTable
{
    public const string TableKind = "dashboard/users";

    /// <summary>
    /// PBKDF2-HMAC-SHA256 rounds of new hashes: a login pays them once (tens of ms), a stolen hash every guess. Fewer
    /// than EMQX's 600,000, because a node hashes the default password at every start when it has no user yet, and
    /// tests start many nodes; each record keeps its own count, so a later default can be raised.
    /// </summary>
    public const int Iterations = 100_000;

    private readonly ConcurrentDictionary<string, DashboardUser> _users = new(StringComparer.Ordinal);
    private readonly SecurityStore _store;

    /// <summary>Registers itself in <paramref name="store"/>.</summary>
    public DashboardUsers(SecurityStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        store.Register(this);
    }

    public string Kind => TableKind;

    public int Count => _users.Count;

    public DashboardUser? Find(string username) => _users.GetValueOrDefault(username);

    /// <summary>Every user, in username order.</summary>
    public IReadOnlyList<DashboardUser> List() => [.. _users.Values.OrderBy(u => u.Username, StringComparer.Ordinal)];

    /// <summary>Adds or replaces a user, the password hashed here with a new salt.</summary>
    public Task PutAsync(string username, string password, string role, string description) =>
        _store.PutAsync(TableKind, username, DashboardRecordFormat.Serialize(Hash(username, password, role, description)));

    /// <summary>Changes role and description, keeping the password.</summary>
    public Task UpdateAsync(DashboardUser user, string role, string description) =>
        _store.PutAsync(TableKind, user.Username, DashboardRecordFormat.Serialize(user with { Role = role, Description = description }));

    /// <summary>
    /// The first administrator, from the configuration, when the node knows no user after loading what it stored: version
    /// 0, so that any change made at run time on any node outranks it (a node started later cannot bring the default
    /// password back over a changed one).
    /// </summary>
    public void SeedDefault(string username, string password)
    {
        if (_users.IsEmpty && username.Length > 0 && password.Length > 0)
        {
            _store.Seed(TableKind, username, DashboardRecordFormat.Serialize(Hash(username, password, AdminRole.Administrator, "administrator")));
        }
    }

    public Task<bool> RemoveAsync(string username) => _store.RemoveAsync(TableKind, username);

    /// <summary>The user when <paramref name="password"/> is theirs; null otherwise (unknown user or wrong password, alike).</summary>
    public DashboardUser? Verify(string username, string password)
    {
        if (!_users.TryGetValue(username, out var user))
        {
            // As long as a wrong password takes, so that the time of the answer does not tell which usernames exist.
            PasswordHasher.Hash(Algorithm(Iterations), Encoding.UTF8.GetBytes(password), "");
            return null;
        }

        return PasswordHasher.Verify(Algorithm(user.Iterations), Encoding.UTF8.GetBytes(password), user.PasswordHash, user.Salt) ? user : null;
    }

    public void Apply(string key, string? value)
    {
        if (value is null)
        {
            _users.TryRemove(key, out _);
            return;
        }

        var user = DashboardRecordFormat.User(value);
        _users[key] = user.Username == key ? user : throw new FormatException($"the record of dashboard user '{key}' holds '{user.Username}'");
    }

    public bool IsExpired(string value, DateTimeOffset now) => false;

    private static DashboardUser Hash(string username, string password, string role, string description)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentException.ThrowIfNullOrEmpty(password);
        var salt = PasswordHasher.NewSalt();
        return new DashboardUser(username, PasswordHasher.Hash(Algorithm(Iterations), Encoding.UTF8.GetBytes(password), salt), salt, Iterations, role, description);
    }

    // The broker's own hashing of MQTT users' passwords (pbkdf2, sha256), with the record's rounds.
    private static PasswordHashAlgorithm Algorithm(int iterations) => PasswordHashAlgorithm.Default with { Iterations = iterations };
}

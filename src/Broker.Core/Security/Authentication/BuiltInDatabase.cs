using System.Collections.Concurrent;

namespace Broker.Core.Security.Authentication;

/// <summary>
/// EMQX's <c>password_based</c> / <c>built_in_database</c> authenticator: users by username or by client id
/// (<c>user_id_type</c>), passwords checked against salted hashes. A client whose user id is unknown here is ignored
/// (the next step may know it); a known one with a wrong or missing password is denied.
/// </summary>
public sealed class BuiltInDatabase : IAuthenticator
{
    private readonly ConcurrentDictionary<string, BuiltInUser> _users = new(StringComparer.Ordinal);

    public BuiltInDatabase(PasswordHashAlgorithm algorithm, bool byClientId, IEnumerable<BuiltInUser> users)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(users);
        Algorithm = algorithm;
        ByClientId = byClientId;
        foreach (var user in users)
        {
            _users[user.UserId] = user;
        }
    }

    public string Name => "password_based:built_in_database";

    public PasswordHashAlgorithm Algorithm { get; }

    public bool ByClientId { get; }

    public int Count => _users.Count;

    /// <summary>Adds or replaces a user with a password given in clear, hashed here.</summary>
    public void Put(string userId, ReadOnlySpan<byte> password, bool superuser)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var salt = Algorithm.Name == "bcrypt" ? "" : PasswordHasher.NewSalt();
        _users[userId] = new BuiltInUser(userId, PasswordHasher.Hash(Algorithm, password, salt), salt, superuser);
    }

    public bool Remove(string userId) => _users.TryRemove(userId, out _);

    public ValueTask<AuthenticationResult> AuthenticateAsync(Credentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var userId = ByClientId ? credentials.Client.ClientId : credentials.Client.Username;
        if (string.IsNullOrEmpty(userId) || !_users.TryGetValue(userId, out var user))
        {
            return ValueTask.FromResult(AuthenticationResult.Ignore("unknown user"));
        }

        if (credentials.Password is not { } password)
        {
            return ValueTask.FromResult(AuthenticationResult.Deny($"user {userId}: no password"));
        }

        return ValueTask.FromResult(PasswordHasher.Verify(Algorithm, password.Span, user.PasswordHash, user.Salt)
            ? AuthenticationResult.Allow(user.IsSuperuser)
            : AuthenticationResult.Deny($"user {userId}: wrong password"));
    }
}

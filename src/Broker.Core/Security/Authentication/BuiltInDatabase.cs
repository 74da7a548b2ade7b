using System.Collections.Concurrent;
using Broker.Core.Security.Records;

namespace Broker.Core.Security.Authentication;

/// <summary>
/// EMQX's <c>password_based</c> / <c>built_in_database</c> authenticator: users by username or by client id
/// (<c>user_id_type</c>), passwords checked against salted hashes. A client whose user id is unknown here is ignored
/// (the next step may know it); a known one with a wrong or missing password is denied. The users are the records of
/// <see cref="Kind"/> in the <see cref="SecurityStore"/>, which stores them and shares them with every node.
/// </summary>
public sealed class BuiltInDatabase : IAuthenticator, IUserTable
{
    public const string AuthenticatorName = "password_based:built_in_database";

    private readonly ConcurrentDictionary<string, BuiltInUser> _users = new(StringComparer.Ordinal);

    public BuiltInDatabase(PasswordHashAlgorithm algorithm, bool byClientId)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        Algorithm = algorithm;
        ByClientId = byClientId;
    }

    public string Name => AuthenticatorName;

    /// <summary>The store's table of this authenticator's users: EMQX's authenticator id, under <c>users/</c>.</summary>
    public string Kind => "users/" + AuthenticatorName;

    public PasswordHashAlgorithm Algorithm { get; }

    public bool ByClientId { get; }

    public int Count => _users.Count;

    /// <summary>The stored value of a user with a password given in clear, hashed here with a new salt.</summary>
    public string Encode(string userId, ReadOnlySpan<byte> password, bool superuser)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var salt = Algorithm.Name == "bcrypt" ? "" : PasswordHasher.NewSalt();
        return BuiltInUserFormat.Serialize(new BuiltInUser(userId, PasswordHasher.Hash(Algorithm, password, salt), salt, superuser));
    }

    public void Apply(string key, string? value)
    {
        if (value is null)
        {
            _users.TryRemove(key, out _);
            return;
        }

        var user = BuiltInUserFormat.Deserialize(value);
        _users[key] = user.UserId == key ? user : throw new FormatException($"the record of user '{key}' holds user '{user.UserId}'");
    }

    public bool IsExpired(string value, DateTimeOffset now) => false;

    public bool IsSuperuser(string value) => BuiltInUserFormat.Deserialize(value).IsSuperuser;

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

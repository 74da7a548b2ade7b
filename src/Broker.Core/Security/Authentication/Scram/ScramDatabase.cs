using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Broker.Core.Security.Authentication.Scram;

/// <summary>
/// EMQX's <c>scram</c> / <c>built_in_database</c> authenticator: users by name with their SCRAM keys, one algorithm
/// and iteration count for all (the configuration's, as in EMQX: keys made with another count no longer verify). It
/// answers the enhanced authentication of its method (SCRAM-SHA-256 or SCRAM-SHA-512); a CONNECT without it is
/// ignored, so the chain's other steps decide. An unknown user is not ignored but fails the exchange at the proof,
/// after a salt that is the same at every attempt, as a real user's is: nothing the client sees tells it apart. The
/// users are the records of <see cref="Kind"/> in the <see cref="Records.SecurityStore"/>, stored and shared with every node.
/// </summary>
public sealed class ScramDatabase : IEnhancedAuthenticator, IUserTable
{
    public const string AuthenticatorName = "scram:built_in_database";

    private readonly ConcurrentDictionary<string, ScramUser> _users = new(StringComparer.Ordinal);

    // Derives the stand-in salts of unknown users; new at each start, so it tells nothing across restarts either.
    private readonly byte[] _standInKey = RandomNumberGenerator.GetBytes(32);
    private readonly Func<string> _newNonce;

    /// <param name="newNonce">The server nonce of each exchange; a fresh random one by default (tests give a fixed one).</param>
    public ScramDatabase(ScramAlgorithm algorithm, int iterationCount, Func<string>? newNonce = null)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterationCount, 1);
        Algorithm = algorithm;
        IterationCount = iterationCount;
        _newNonce = newNonce ?? NewNonce;
    }

    public string Name => AuthenticatorName;

    public string Kind => "users/" + AuthenticatorName;

    public string Method => Algorithm.Mechanism;

    public ScramAlgorithm Algorithm { get; }

    public int IterationCount { get; }

    public int Count => _users.Count;

    /// <summary>The stored value of a user whose password is given in clear: a new salt, the keys derived here.</summary>
    public string Encode(string userId, ReadOnlySpan<byte> password, bool superuser) =>
        ScramUserFormat.Serialize(ScramUser.FromPassword(Algorithm, IterationCount, userId, password, ScramUser.NewSalt(), superuser));

    /// <exception cref="FormatException">Not a user of this format, or keys of another algorithm's length.</exception>
    public void Apply(string key, string? value)
    {
        if (value is null)
        {
            _users.TryRemove(key, out _);
            return;
        }

        var user = ScramUserFormat.Deserialize(value);
        if (user.UserId != key || user.StoredKey.Length != Algorithm.KeyLength || user.ServerKey.Length != Algorithm.KeyLength)
        {
            throw new FormatException($"the record of user '{key}' is not a {Algorithm.Mechanism} user of that name (keys of {Algorithm.KeyLength} bytes)");
        }

        _users[key] = user;
    }

    public bool IsExpired(string value, DateTimeOffset now) => false;

    public bool IsSuperuser(string value) => ScramUserFormat.Deserialize(value).IsSuperuser;

    /// <summary>A CONNECT without this Authentication Method: SCRAM has nothing to check in a password field.</summary>
    public ValueTask<AuthenticationResult> AuthenticateAsync(Credentials credentials, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AuthenticationResult.Ignore($"only for enhanced authentication with {Method}"));

    public ValueTask<AuthExchangeStep> StartAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (!ScramClientFirst.TryParse(data.Span, out var first, out var failure))
        {
            return ValueTask.FromResult(failure.ToStep());
        }

        var known = _users.TryGetValue(first.Username, out var user);
        return ValueTask.FromResult(ScramServerExchange.Start(Algorithm, IterationCount, first, user ?? StandIn(first.Username), known, _newNonce()));
    }

    /// <summary>An unknown user's salt is a keyed hash of its name, the same at each attempt; its keys are random, so no proof holds.</summary>
    private ScramUser StandIn(string userId)
    {
        var salt = HMACSHA256.HashData(_standInKey, Encoding.UTF8.GetBytes(userId))[..ScramUser.SaltLength];
        return new ScramUser(userId, RandomNumberGenerator.GetBytes(Algorithm.KeyLength), RandomNumberGenerator.GetBytes(Algorithm.KeyLength), salt, false);
    }

    /// <summary>24 random bytes in base64: printable, no comma, 192 bits that no client can guess.</summary>
    private static string NewNonce() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
}

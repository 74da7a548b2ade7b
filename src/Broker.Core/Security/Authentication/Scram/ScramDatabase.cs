using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Broker.Core.Security.Authentication.Scram;

/// <summary>
/// EMQX's <c>scram</c> / <c>built_in_database</c> authenticator: users by name with their SCRAM keys, one algorithm
/// and iteration count for all (the configuration's, as in EMQX: keys made with another count no longer verify). It
/// answers the enhanced authentication of its method (SCRAM-SHA-256 or SCRAM-SHA-512); a CONNECT without it is
/// ignored, so the chain's other steps decide. An unknown user is not ignored but fails the exchange at the proof,
/// after a salt that is the same at every attempt, as a real user's is: nothing the client sees tells it apart.
/// </summary>
public sealed class ScramDatabase : IEnhancedAuthenticator
{
    private readonly ConcurrentDictionary<string, ScramUser> _users = new(StringComparer.Ordinal);

    // Derives the stand-in salts of unknown users; new at each start, so it tells nothing across restarts either.
    private readonly byte[] _standInKey = RandomNumberGenerator.GetBytes(32);
    private readonly Func<string> _newNonce;

    /// <param name="newNonce">The server nonce of each exchange; a fresh random one by default (tests give a fixed one).</param>
    public ScramDatabase(ScramAlgorithm algorithm, int iterationCount, IEnumerable<ScramUser> users, Func<string>? newNonce = null)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(users);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterationCount, 1);
        Algorithm = algorithm;
        IterationCount = iterationCount;
        _newNonce = newNonce ?? NewNonce;
        foreach (var user in users)
        {
            Put(user);
        }
    }

    public string Name => "scram:built_in_database";

    public string Method => Algorithm.Mechanism;

    public ScramAlgorithm Algorithm { get; }

    public int IterationCount { get; }

    public int Count => _users.Count;

    /// <summary>Adds or replaces a user with a password given in clear: a new salt, keys derived here.</summary>
    public void Put(string userId, ReadOnlySpan<byte> password, bool superuser) =>
        Put(ScramUser.FromPassword(Algorithm, IterationCount, userId, password, ScramUser.NewSalt(), superuser));

    /// <summary>Adds or replaces a user whose keys were derived elsewhere (with this algorithm and iteration count).</summary>
    public void Put(ScramUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentException.ThrowIfNullOrEmpty(user.UserId);
        if (user.StoredKey.Length != Algorithm.KeyLength || user.ServerKey.Length != Algorithm.KeyLength)
        {
            throw new ArgumentException($"user {user.UserId}: keys of {Algorithm.KeyLength} bytes expected for {Algorithm.Mechanism}", nameof(user));
        }

        _users[user.UserId] = user;
    }

    public bool Remove(string userId) => _users.TryRemove(userId, out _);

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

using System.Text;
using Broker.Core.Security.Dashboard;
using Broker.Core.Security.Records;
using Broker.Host.Options;

namespace Broker.Host.Management;

/// <summary>
/// Who may use the HTTP API: the dashboard's users (<see cref="Users"/>, logging in for a bearer token of
/// <see cref="Tokens"/>), the API keys (<see cref="Keys"/>, HTTP Basic key:secret) and the node's own
/// <see cref="NodeCredential"/> for <c>broker ctl</c>. Users, keys and tokens are records of the node's
/// <see cref="SecurityStore"/>, so stored and shared with every node; one instance per node, made with the runtime
/// (its tables must be registered before the store loads) and used by every HTTP endpoint that serves the API.
/// </summary>
public sealed class ApiAccess
{
    private volatile NodeCredential? _nodeCredential;

    private readonly string _dataDir;

    internal ApiAccess(SecurityStore store, BrokerOptions options, TimeProvider time)
    {
        var dashboard = options.Dashboard;
        _dataDir = options.Node.DataDir;
        Users = new DashboardUsers(store);
        Keys = new ApiKeys(store);
        Tokens = new ApiTokens(store);
        LoginLock = new LoginLock(time);
        Dashboard = dashboard;
        PrometheusOpen = !options.Prometheus.EnableBasicAuth;
        Time = time;
        if (options.ApiKey.BootstrapFile.Length > 0)
        {
            foreach (var (key, secret, role) in ApiKeyBootstrapFile.Read(options.ApiKey.BootstrapFile))
            {
                Keys.Seed(key, secret, role);
            }
        }
    }

    public DashboardUsers Users { get; }

    public ApiKeys Keys { get; }

    public ApiTokens Tokens { get; }

    internal LoginLock LoginLock { get; }

    internal DashboardOptions Dashboard { get; }

    internal TimeProvider Time { get; }

    /// <summary>Whether <c>/api/v5/prometheus/stats</c> is served without credentials (<c>prometheus.enable_basic_auth = false</c>).</summary>
    internal bool PrometheusOpen { get; }

    /// <summary>The node's <c>broker ctl</c> credential, once the management endpoint has read or made it.</summary>
    internal NodeCredential? NodeCredential => _nodeCredential;

    /// <summary>The first administrator (<c>dashboard.default_username</c>), once the store has loaded, when the node knows no user.</summary>
    internal void SeedDefaultUser() => Users.SeedDefault(Dashboard.DefaultUsername, Dashboard.DefaultPassword);

    /// <summary>Reads or makes the node's <c>broker ctl</c> credential in <c>node.data_dir</c>, as the management endpoint starts.</summary>
    /// <exception cref="ManagementStartException">It can be neither read nor made.</exception>
    internal void EnsureNodeCredential()
    {
        try
        {
            _nodeCredential ??= NodeCredential.LoadOrCreate(_dataDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new ManagementStartException($"node.data_dir: the credential of broker ctl ({NodeCredential.PathIn(_dataDir)}): {e.Message}", e);
        }
    }

    /// <summary>The caller that <paramref name="authorization"/> (the header's value) names, or why it is refused.</summary>
    internal (ApiCaller? Caller, ApiRefusal? Refusal) Authenticate(string? authorization)
    {
        if (string.IsNullOrEmpty(authorization))
        {
            return (null, ApiRefusal.NoCredentials);
        }

        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Bearer(authorization[7..].Trim());
        }

        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) && Basic(authorization[6..].Trim()) is var (key, secret))
        {
            if (_nodeCredential is { } node && node.Matches(key, secret))
            {
                return (new ApiCaller(ApiCallerKind.Node, key, AdminRole.Administrator), null);
            }

            return Keys.Verify(key, secret, Time.GetUtcNow()) is { } apiKey
                ? (new ApiCaller(ApiCallerKind.ApiKey, apiKey.Name, apiKey.Role), null)
                : (null, ApiRefusal.BadApiKey);
        }

        return (null, ApiRefusal.NoCredentials);
    }

    private (ApiCaller?, ApiRefusal?) Bearer(string token)
    {
        if (Tokens.Find(token) is not { } found)
        {
            return (null, ApiRefusal.BadToken);
        }

        if (found.IsExpired(Time.GetUtcNow()))
        {
            return (null, ApiRefusal.TokenTimeOut);
        }

        // The user as it is now, not as it was at login: a deleted user's tokens end with it, a demoted one's role with
        // it, even for a token made on another node whose removal has not reached this one yet.
        return Users.Find(found.Username) is { } user
            ? (new ApiCaller(ApiCallerKind.User, user.Username, user.Role), null)
            : (null, ApiRefusal.BadToken);
    }

    private static (string Key, string Secret)? Basic(string encoded)
    {
        Span<byte> bytes = stackalloc byte[Math.Min(encoded.Length, 1024)];
        if (encoded.Length > 1024 || !Convert.TryFromBase64String(encoded, bytes, out var written))
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(bytes[..written]);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? (text[..colon], text[(colon + 1)..]) : null;
    }
}

/// <summary>A refused request's answer, with EMQX's codes.</summary>
internal sealed record ApiRefusal(int Status, string Code, string Message)
{
    public static readonly ApiRefusal NoCredentials = new(401, "AUTHORIZATION_HEADER_ERROR",
        "Missing authorization header: use HTTP Basic with an API key and its secret, or a bearer token from POST /api/v5/login");

    public static readonly ApiRefusal BadApiKey = new(401, "BAD_API_KEY_OR_SECRET", "Check api_key/api_secret");

    public static readonly ApiRefusal BadToken = new(401, "BAD_TOKEN", "Invalid bearer token: get a new one by POST /api/v5/login");

    public static readonly ApiRefusal TokenTimeOut = new(401, "TOKEN_TIME_OUT", "Token expired: get a new one by POST /api/v5/login");

    public static readonly ApiRefusal ApiKeyNotAllowed = new(401, "API_KEY_NOT_ALLOW",
        "API keys may not manage dashboard users, log out or manage API keys: use a bearer token from POST /api/v5/login");

    public static readonly ApiRefusal ViewerOnlyReads = new(403, "UNAUTHORIZED_ROLE", "A viewer may only read (GET)");
}

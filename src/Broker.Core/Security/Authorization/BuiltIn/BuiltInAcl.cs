using System.Collections.Concurrent;
using System.Text.Json;
using Broker.Core.Security.Authentication.Jwt;
using Broker.Core.Security.Records;
using Broker.Mqtt;

namespace Broker.Core.Security.Authorization.BuiltIn;

/// <summary>
/// EMQX's <c>built_in_database</c> authorization source: rules per username, per client id and for all, changed
/// while the broker runs (its API) and kept as records of <see cref="TableKind"/> in the <see cref="SecurityStore"/>, so
/// every node of a cluster has them. A client's username rules are asked first, then its client id's, then those for
/// all; the first that matches decides (<c>emqx_authz_mnesia:authorize</c>). Each check reads the current rules, so a
/// change reaches connected clients once their cached decisions expire.
/// </summary>
public sealed class BuiltInAcl : IAuthorizationSource, IRecordTable
{
    public const string TableKind = "acl/built_in_database";

    /// <summary>The key of the rules for all clients.</summary>
    public const string AllKey = "all";

    private readonly ConcurrentDictionary<string, AclRule[]> _rules = new(StringComparer.Ordinal);

    /// <param name="maxRules">How many rules one username, client id or the list for all may hold (EMQX's <c>max_rules</c>).</param>
    public BuiltInAcl(int maxRules)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRules, 1);
        MaxRules = maxRules;
    }

    public string Kind => TableKind;

    public int MaxRules { get; }

    public static string UsernameKey(string username) => "username:" + username;

    public static string ClientIdKey(string clientId) => "clientid:" + clientId;

    /// <summary>
    /// Checks a list of EMQX raw rules (<c>[{"permission", "action", "topic", "qos", "retain"}]</c>, the shape a JWT's
    /// <c>acl</c> claim has) and gives the value to store: the list as JSON.
    /// </summary>
    /// <exception cref="FormatException">A rule does not read (its number and the reason are in the message), or there are too many.</exception>
    public string Encode(JsonElement rules)
    {
        var parsed = Parse(rules);
        return parsed.Length <= MaxRules ? rules.GetRawText() : throw new FormatException($"{parsed.Length} rules; at most {MaxRules} (max_rules)");
    }

    public void Apply(string key, string? value)
    {
        if (value is null)
        {
            _rules.TryRemove(key, out _);
            return;
        }

        try
        {
            using var json = JsonDocument.Parse(value);
            _rules[key] = Parse(json.RootElement);
        }
        catch (JsonException e)
        {
            throw new FormatException(e.Message, e);
        }
    }

    public bool IsExpired(string value, DateTimeOffset now) => false;

    public AclDecision Check(ClientInfo client, AclAction action, string topic, QualityOfService qos, bool retain)
    {
        ArgumentNullException.ThrowIfNull(client);
        return Check(client.Username is { } username ? UsernameKey(username) : null, ClientIdKey(client.ClientId), client, action, topic, qos, retain);
    }

    /// <summary>The client's keys made once at CONNECT, not at every check.</summary>
    public IAuthorizationSource For(ClientInfo client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new View(this, client.Username is { } username ? UsernameKey(username) : null, ClientIdKey(client.ClientId));
    }

    private AclDecision Check(string? usernameKey, string clientIdKey, ClientInfo client, AclAction action, string topic, QualityOfService qos, bool retain)
    {
        foreach (var key in (ReadOnlySpan<string?>)[usernameKey, clientIdKey, AllKey])
        {
            if (key is not null && _rules.TryGetValue(key, out var rules)
                && AclRules.FirstMatch(rules, client, action, topic, qos, retain) is var decision and not AclDecision.NoMatch)
            {
                return decision;
            }
        }

        return AclDecision.NoMatch;
    }

    private static AclRule[] Parse(JsonElement rules) =>
        rules.ValueKind == JsonValueKind.Array
            ? [.. rules.EnumerateArray().Select((rule, i) => JwtAclParser.ParseRule(rule, $"rule {i + 1}", i + 1))]
            : throw new FormatException($"rules: a list of rules, not {rules.ValueKind}");

    private sealed class View(BuiltInAcl acl, string? usernameKey, string clientIdKey) : IAuthorizationSource
    {
        public AclDecision Check(ClientInfo client, AclAction action, string topic, QualityOfService qos, bool retain) =>
            acl.Check(usernameKey, clientIdKey, client, action, topic, qos, retain);
    }
}

using Broker.Mqtt;

namespace Broker.Core.Security.Authorization;

/// <summary>
/// One connection's authorization: its client, fixed at CONNECT, and its cache of recent decisions (EMQX keeps the
/// same in the channel's process dictionary). Not thread-safe, and takes no lock: a connection checks its PUBLISH
/// and SUBSCRIBE packets one at a time on its read loop, so one thread at a time uses it.
/// </summary>
public sealed class ClientAuthorization
{
    private readonly Authorizer _authorizer;
    private readonly DecisionCache? _cache;
    private readonly IAuthorizationSource[] _sources;

    internal ClientAuthorization(Authorizer authorizer, ClientInfo client, IAuthorizationSource[] sources, DecisionCache? cache)
    {
        _authorizer = authorizer;
        Client = client;
        _sources = sources;
        _cache = cache;
    }

    public ClientInfo Client { get; }

    /// <summary>Decisions held now (expired ones until they are next looked up or pushed out).</summary>
    public int CachedCount => _cache?.Count ?? 0;

    /// <summary>Allow or Deny, never NoMatch. A hit allocates nothing.</summary>
    /// <param name="topic">The topic name of a PUBLISH or the filter of a SUBSCRIBE, as the client sent it.</param>
    public AclDecision Authorize(AclAction action, string topic, QualityOfService qos, bool retain)
    {
        if (_cache is null)
        {
            return _authorizer.Check(Client, _sources, action, topic, qos, retain);
        }

        var key = new DecisionKey(action, topic, qos, retain);
        if (_cache.TryGet(key, out var cached))
        {
            return cached;
        }

        var decision = _authorizer.Check(Client, _sources, action, topic, qos, retain);
        _cache.Add(key, decision);
        return decision;
    }

    /// <summary>Forgets every decision, as EMQX's <c>clean_authz_cache</c>: after the rules change, for instance.</summary>
    public void ClearCache() => _cache?.Clear();
}

using System.Runtime.CompilerServices;
using Broker.Mqtt;

namespace Broker.Core.Security.Authorization;

/// <summary>
/// One connection's authorization: its client, fixed at CONNECT, and its cache of recent decisions (EMQX keeps the
/// same in the channel's process dictionary). Not thread-safe, and takes no lock: a connection checks its PUBLISH
/// and SUBSCRIBE packets one at a time, reading nothing while a check waits, so one thread at a time uses it.
/// </summary>
public sealed class ClientAuthorization
{
    private readonly Authorizer _authorizer;
    private readonly DecisionCache? _cache;
    private readonly IAsyncAuthorizationSource[] _sources;

    // The sources before the first that needs I/O: all of them unless one is an HTTP service, say.
    private readonly IAuthorizationSource[] _immediate;

    internal ClientAuthorization(Authorizer authorizer, ClientInfo client, IAsyncAuthorizationSource[] sources, DecisionCache? cache)
    {
        _authorizer = authorizer;
        Client = client;
        _sources = sources;
        _immediate = [.. sources.TakeWhile(source => source is IAuthorizationSource).Cast<IAuthorizationSource>()];
        _cache = cache;
    }

    public ClientInfo Client { get; }

    /// <summary>Decisions held now (expired ones until they are next looked up or pushed out).</summary>
    public int CachedCount => _cache?.Count ?? 0;

    /// <summary>
    /// Allow or Deny when the cache or the sources that answer at once decide; null when a source that needs I/O must be
    /// asked, through <see cref="AuthorizeAsync"/>. A hit allocates nothing.
    /// </summary>
    /// <param name="topic">The topic name of a PUBLISH or the filter of a SUBSCRIBE, as the client sent it.</param>
    public AclDecision? Authorize(AclAction action, string topic, QualityOfService qos, bool retain)
    {
        if (_cache is null)
        {
            return Settled(Authorizer.Decide(Client, _immediate, action, topic, qos, retain));
        }

        var key = new DecisionKey(action, topic, qos, retain);
        return _cache.TryGet(key, out var cached) ? cached : Miss(key);
    }

    /// <summary>
    /// The decision <see cref="Authorize"/> could not give: every source asked in order, waiting for those that need I/O,
    /// and the answer cached as any other (a source that failed counts as no match, as in EMQX).
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired (the connection went away).</exception>
    public async ValueTask<AuthorizationAnswer> AuthorizeAsync(AclAction action, string topic, QualityOfService qos, bool retain, CancellationToken cancellationToken)
    {
        var answer = await _authorizer.DecideAsync(Client, _sources, action, topic, qos, retain, cancellationToken).ConfigureAwait(false);
        _cache?.Add(new DecisionKey(action, topic, qos, retain), answer.Decision);
        return answer;
    }

    /// <summary>Forgets every decision, as EMQX's <c>clean_authz_cache</c>: after the rules change, for instance.</summary>
    public void ClearCache() => _cache?.Clear();

    /// <summary>Out of line: the hit above stays as short as it was before any source could need I/O.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private AclDecision? Miss(in DecisionKey key)
    {
        if (Settled(Authorizer.Decide(Client, _immediate, key.Action, key.Topic, key.Qos, key.Retain)) is not { } decision)
        {
            return null;
        }

        _cache!.Add(key, decision);
        return decision;
    }

    /// <summary>The immediate sources' decision as final: no_match applies unless a source after them is still to be asked.</summary>
    private AclDecision? Settled(AclDecision decision) => decision switch
    {
        not AclDecision.NoMatch => decision,
        _ when _immediate.Length == _sources.Length => _authorizer.NoMatch,
        _ => null,
    };
}

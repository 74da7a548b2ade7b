using Broker.Mqtt;

namespace Broker.Core.Security.Authorization;

/// <summary>
/// EMQX's <c>authorization</c>: the sources asked in order, the first that allows or denies deciding, and
/// <see cref="NoMatch"/> when none does. Shared by every connection; each gets a <see cref="ClientAuthorization"/>
/// with its own cache from <see cref="ForClient"/>. Sources that answer at once (<see cref="IAuthorizationSource"/>)
/// are asked on the read path; one that needs I/O (<see cref="IAsyncAuthorizationSource"/>) is waited for.
/// </summary>
public sealed class Authorizer : IDisposable
{
    private readonly IAsyncAuthorizationSource[] _sources;
    private readonly AuthorizationCacheOptions _cache;
    private readonly TimeProvider _time;

    /// <param name="noMatch"><c>authorization.no_match</c>: Allow or Deny.</param>
    public Authorizer(IEnumerable<IAsyncAuthorizationSource> sources, AclDecision noMatch, AuthorizationCacheOptions cache, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(time);
        if (noMatch == AclDecision.NoMatch)
        {
            throw new ArgumentException("no_match must be Allow or Deny", nameof(noMatch));
        }

        if (cache.Enable && (cache.MaxSize <= 0 || cache.Ttl <= TimeSpan.Zero))
        {
            throw new ArgumentException("an enabled cache needs a positive max_size and ttl", nameof(cache));
        }

        _sources = sources.ToArray();
        // Asked at every CONNECT: found once.
        LoadsRules = _sources.Any(source => source is IClientRulesSource);
        NoMatch = noMatch;
        _cache = cache;
        _time = time;
    }

    public AclDecision NoMatch { get; }

    /// <summary>Releases what the sources hold: a database's connection pool.</summary>
    public void Dispose()
    {
        foreach (var source in _sources)
        {
            (source as IDisposable)?.Dispose();
        }
    }

    /// <summary>No source and no_match allow: only rules a client brings with its credentials can deny it anything.</summary>
    public bool AllowsEverything => _sources.Length == 0 && NoMatch == AclDecision.Allow;

    /// <summary>Some source keeps its rules per client (<see cref="IClientRulesSource"/>): call <see cref="LoadRulesAsync"/> at CONNECT.</summary>
    public bool LoadsRules { get; }

    /// <summary>
    /// Fetches, once the client is authenticated, the rules of the sources that keep them per client (a database),
    /// for <see cref="ForClient(ClientInfo, ClientRules?)"/>. Never throws for a source that fails or overruns its
    /// time: that source then denies the client everything (<see cref="ClientRules.Failures"/> says why).
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the connection went away).</exception>
    public async Task<ClientRules> LoadRulesAsync(ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (client.IsSuperuser || !LoadsRules)
        {
            return new ClientRules(_sources, []);
        }

        var sources = new IAsyncAuthorizationSource[_sources.Length];
        var failures = new List<string>();
        for (var i = 0; i < _sources.Length; i++)
        {
            if (_sources[i] is not IClientRulesSource loader)
            {
                sources[i] = _sources[i];
                continue;
            }

            try
            {
                sources[i] = await loader.LoadAsync(client, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                sources[i] = DenyAll.Instance;
                failures.Add($"{loader.Name}: {FailureMessage.Of(e)}");
            }
        }

        return new ClientRules(sources, failures);
    }

    /// <summary>The decision without a cache: Allow or Deny, never NoMatch. A superuser is allowed everything.</summary>
    public async ValueTask<AclDecision> CheckAsync(ClientInfo client, AclAction action, string topic, QualityOfService qos, bool retain, CancellationToken cancellationToken) =>
        (await DecideAsync(client, _sources, action, topic, qos, retain, cancellationToken).ConfigureAwait(false)).Decision;

    /// <summary>
    /// The decision of the sources that answer at once, in order: Allow or Deny when one of them (or the rules the client
    /// brought, or being a superuser) decides; NoMatch when none does, for the caller to apply <see cref="NoMatch"/>
    /// or to ask the sources after them.
    /// </summary>
    /// <param name="sources">The sources before the first that needs I/O, as this client sees them (<see cref="IAuthorizationSource.For"/>).</param>
    internal static AclDecision Decide(ClientInfo client, IAuthorizationSource[] sources, AclAction action, string topic, QualityOfService qos, bool retain)
    {
        var own = Own(client, action, topic, qos, retain);
        if (own != AclDecision.NoMatch)
        {
            return own;
        }

        foreach (var source in sources)
        {
            var decision = source.Check(client, action, topic, qos, retain);
            if (decision != AclDecision.NoMatch)
            {
                return decision;
            }
        }

        return AclDecision.NoMatch;
    }

    /// <summary>
    /// Every source in order, waiting for those that need I/O: Allow or Deny, never NoMatch. A source that fails is passed
    /// over (EMQX's <c>ignore</c>) and named in <see cref="AuthorizationAnswer.Failure"/>.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    internal async ValueTask<AuthorizationAnswer> DecideAsync(
        ClientInfo client, IAsyncAuthorizationSource[] sources, AclAction action, string topic, QualityOfService qos, bool retain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var own = Own(client, action, topic, qos, retain);
        if (own != AclDecision.NoMatch)
        {
            return new AuthorizationAnswer(own, null);
        }

        string? failure = null;
        foreach (var source in sources)
        {
            AclDecision decision;
            try
            {
                decision = await source.CheckAsync(client, action, topic, qos, retain, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                failure = failure is null ? FailureMessage.Of(e) : $"{failure}; {FailureMessage.Of(e)}";
                continue;
            }

            if (decision != AclDecision.NoMatch)
            {
                return new AuthorizationAnswer(decision, failure);
            }
        }

        return new AuthorizationAnswer(NoMatch, failure);
    }

    /// <summary>What the client's standing decides before any source: a superuser everything, its own rules (a JWT's acl claim) what they name.</summary>
    private static AclDecision Own(ClientInfo client, AclAction action, string topic, QualityOfService qos, bool retain) =>
        client.IsSuperuser ? AclDecision.Allow : client.Acl?.Check(client, action, topic, qos, retain) ?? AclDecision.NoMatch;

    /// <summary>For a connection once its client is authenticated; the cache lives and dies with it.</summary>
    /// <param name="rules">What <see cref="LoadRulesAsync"/> fetched for this client; without them, a source that keeps
    /// its rules per client denies the client everything.</param>
    public ClientAuthorization ForClient(ClientInfo client, ClientRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var cache = _cache.Enable && !client.IsSuperuser ? new DecisionCache(_cache.MaxSize, _cache.Ttl, _time) : null;
        // Rules for other clients are left out once, here: a file of a thousand rules for a thousand devices costs
        // each device's PUBLISH its own few, cached or not (as mosquitto does with its ACL).
        var sources = rules?.Sources ?? _sources;
        return new ClientAuthorization(this, client, [.. sources.Select(source => source is IAuthorizationSource immediate ? immediate.For(client) : source)], cache);
    }
}

namespace Broker.Core.Security.Authorization;

/// <summary>
/// A source whose rules live elsewhere (a database) and are fetched once per client, when it connects, so that
/// <see cref="IAuthorizationSource.Check"/> never waits on the network. <see cref="Authorizer.LoadRulesAsync"/>
/// fetches them; the shared instance's own <c>Check</c>, asked for a client whose rules were never fetched, denies.
/// </summary>
public interface IClientRulesSource : IAuthorizationSource
{
    /// <summary>For the log: "postgresql".</summary>
    string Name { get; }

    /// <summary>The client's rules, asked in this source's place for as long as it stays connected.</summary>
    /// <exception cref="Exception">The rules cannot be had (server down, query refused, too slow).</exception>
    Task<IAuthorizationSource> LoadAsync(ClientInfo client, CancellationToken cancellationToken);
}

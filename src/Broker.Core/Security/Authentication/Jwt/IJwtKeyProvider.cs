using Microsoft.IdentityModel.Tokens;

namespace Broker.Core.Security.Authentication.Jwt;

/// <summary>Where the keys that verify signatures come from: the configuration, or a JWKS endpoint.</summary>
internal interface IJwtKeyProvider
{
    /// <exception cref="JwksUnavailableException">There are no keys to be had.</exception>
    ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(CancellationToken cancellationToken);

    /// <summary>Fresh keys for a token whose <c>kid</c> none has; null when nothing newer can be had now.</summary>
    ValueTask<IReadOnlyList<SecurityKey>?> RefetchAsync(CancellationToken cancellationToken);
}

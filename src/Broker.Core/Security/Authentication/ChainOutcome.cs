namespace Broker.Core.Security.Authentication;

/// <summary>What the chain decided for a CONNECT.</summary>
/// <param name="BadCredentials">Refused by a step that denied (CONNACK 0x86 / 3.x return code 4); otherwise, when refused, nobody allowed (0x87 / 5).</param>
/// <param name="Detail">Which step decided and why, for the log.</param>
/// <param name="Acl">Rules the deciding step brought with the credentials, if any.</param>
/// <param name="ExpiresAtMs">When the credentials the deciding step checked end (Unix ms); null: never.</param>
public readonly record struct ChainOutcome(
    bool Allowed, bool IsSuperuser, bool BadCredentials, string Detail, Authorization.IAuthorizationSource? Acl = null, long? ExpiresAtMs = null);

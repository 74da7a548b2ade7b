namespace Broker.Core.Security.Dashboard;

/// <summary>
/// An API key of the HTTP API (EMQX 5's <c>/api/v5/api_key</c>), used as HTTP Basic <c>key:secret</c>. The secret is kept
/// only as SHA-256 of a salt and the secret (<see cref="ApiKeys"/> says why a fast hash is enough).
/// </summary>
/// <param name="ExpiredAt">Null: never (EMQX's <c>infinity</c>).</param>
public sealed record ApiKey(
    string Name, string Key, string SecretHash, string Salt, bool Enable, DateTimeOffset? ExpiredAt, DateTimeOffset CreatedAt, string Description, string Role)
{
    public bool IsExpired(DateTimeOffset now) => ExpiredAt is { } at && at <= now;
}

namespace Broker.Core.Security.Dashboard;

/// <summary>A bearer token given at a dashboard login: whose it is, with the role it had then, until when.</summary>
public sealed record ApiToken(string Username, string Role, DateTimeOffset ExpiresAt)
{
    public bool IsExpired(DateTimeOffset now) => ExpiresAt <= now;
}

namespace Broker.Core.Security.Dashboard;

/// <summary>
/// A dashboard user (EMQX's admin): the password only as PBKDF2-HMAC-SHA256 of <see cref="Iterations"/> rounds with a
/// salt of its own, so that a copy of the node's storage gives no password.
/// </summary>
public sealed record DashboardUser(string Username, string PasswordHash, string Salt, int Iterations, string Role, string Description);

namespace Broker.Core.Security.Authentication;

/// <summary>A user of the built-in database: the hash and salt as <see cref="PasswordHasher"/> stores them.</summary>
public sealed record BuiltInUser(string UserId, string PasswordHash, string Salt, bool IsSuperuser);

namespace Broker.Core.Security.Authentication;

/// <summary>One step of an enhanced authentication: where it stands, and the Authentication Data for the client.</summary>
/// <param name="Data">For the client: the server's next message, its last one, or the mechanism's error (SCRAM's e=...); may be empty.</param>
/// <param name="Next">With <see cref="AuthExchangeStatus.Continue"/>: what checks the client's next message.</param>
/// <param name="UserId">With <see cref="AuthExchangeStatus.Success"/>: who the client proved to be.</param>
/// <param name="Detail">With <see cref="AuthExchangeStatus.Failure"/>: why, for the log (never for the client, which learns it from <paramref name="Data"/> at most).</param>
public readonly record struct AuthExchangeStep(
    AuthExchangeStatus Status, ReadOnlyMemory<byte> Data, IAuthExchange? Next, string? UserId, bool IsSuperuser, string? Detail)
{
    public static AuthExchangeStep Continue(ReadOnlyMemory<byte> data, IAuthExchange next) => new(AuthExchangeStatus.Continue, data, next, null, false, null);

    public static AuthExchangeStep Success(ReadOnlyMemory<byte> data, string userId, bool superuser) => new(AuthExchangeStatus.Success, data, null, userId, superuser, null);

    public static AuthExchangeStep Failure(ReadOnlyMemory<byte> data, string detail) => new(AuthExchangeStatus.Failure, data, null, null, false, detail);
}

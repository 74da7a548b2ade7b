namespace Broker.Core.Security.Authentication;

/// <summary>
/// An enhanced authentication under way, after its first step: what it needs to check the client's next message is
/// already here, so that step is computation only, quick, and runs on the connection's read path.
/// </summary>
public interface IAuthExchange
{
    AuthExchangeStep Continue(ReadOnlySpan<byte> data);
}

namespace Broker.Core.Security.Http;

/// <summary>
/// An HTTP authentication or authorization service could not give an answer (unreachable, too slow, an error status, a
/// body that says nothing): EMQX's <c>backend_failure_result</c> for an authenticator, which the chain turns into the
/// step's on-failure verdict, and <c>ignore</c> for an authorization source. The message names the configured URL,
/// never the rendered one, which may carry the password.
/// </summary>
public sealed class HttpServiceException : Exception, ISafeMessage
{
    public HttpServiceException()
    {
    }

    public HttpServiceException(string message)
        : base(message)
    {
    }

    public HttpServiceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

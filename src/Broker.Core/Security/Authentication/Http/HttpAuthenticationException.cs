namespace Broker.Core.Security.Authentication.Http;

/// <summary>
/// The HTTP service could not give an answer (unreachable, too slow, an error status, a body that says nothing):
/// EMQX's <c>backend_failure_result</c>. The chain turns it into the step's on-failure verdict. The message names
/// the configured URL, never the rendered one, which may carry the password.
/// </summary>
public sealed class HttpAuthenticationException : Exception, ISafeMessage
{
    public HttpAuthenticationException()
    {
    }

    public HttpAuthenticationException(string message)
        : base(message)
    {
    }

    public HttpAuthenticationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

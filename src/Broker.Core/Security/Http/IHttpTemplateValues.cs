namespace Broker.Core.Security.Http;

/// <summary>What the placeholders of a request stand for (the CONNECT's for an authenticator, the PUBLISH's or SUBSCRIBE's for an authorization source).</summary>
internal interface IHttpTemplateValues
{
    /// <summary>The value as bytes, for a URL or a form, which can carry any (a password that is not UTF-8).</summary>
    byte[] Bytes(string placeholder);

    /// <summary>The value as text, for JSON and headers.</summary>
    /// <exception cref="HttpServiceException">The value is not text.</exception>
    string Text(string placeholder);
}

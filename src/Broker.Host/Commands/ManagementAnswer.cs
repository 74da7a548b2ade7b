using System.Net;

namespace Broker.Host.Commands;

/// <summary>An endpoint's answer: its status code and the <c>message</c> it gave.</summary>
internal sealed record ManagementAnswer(HttpStatusCode Status, string Message)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;
}

using System.Net;

namespace Broker.Host.Commands;

/// <summary>An endpoint's answer: its status code, the <c>message</c> it gave and, from the /api/v5 routes, EMQX's error <c>code</c>.</summary>
internal sealed record ManagementAnswer(HttpStatusCode Status, string Message, string? Code = null)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;

    /// <summary>A success told in <paramref name="message"/> (the API answers a success with the object, or nothing); a failure as it is.</summary>
    public ManagementAnswer OrMessage(string message) => IsSuccess ? this with { Message = message } : this;
}

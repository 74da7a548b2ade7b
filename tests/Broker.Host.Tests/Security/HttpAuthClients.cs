using System.Net;
using System.Text;
using Broker.Core.Security;
using Broker.Core.Security.Authentication;

namespace Broker.Host.Tests.Security;

/// <summary>CONNECTs as the HTTP authenticator's tests present them.</summary>
internal static class HttpAuthClients
{
    public static Credentials Connect(string? username, string? password, string clientId = "press-7", IPAddress? peer = null) =>
        Connect(username, password is null ? null : Encoding.UTF8.GetBytes(password), clientId, peer);

    public static Credentials Connect(string? username, byte[]? password, string clientId = "press-7", IPAddress? peer = null) =>
        // Not the byte[] itself: a null array would convert to an empty password, not to none.
        new(new ClientInfo { ClientId = clientId, Username = username, PeerHost = peer }, password is null ? null : (ReadOnlyMemory<byte>?)password);
}

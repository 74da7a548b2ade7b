namespace Broker.Core.Security.Authentication;

/// <summary>Where an enhanced authentication stands after a step.</summary>
public enum AuthExchangeStatus
{
    /// <summary>The server answers and waits for the client's next message (AUTH 0x18).</summary>
    Continue,
    /// <summary>The client proved who it is; the data is the server's last message (CONNACK 0x00 or AUTH 0x00).</summary>
    Success,
    /// <summary>Refused: CONNACK 0x87 at CONNECT, DISCONNECT 0x87 on re-authentication.</summary>
    Failure,
}

namespace Broker.Mqtt;

/// <summary>
/// MQTT 3.1 and 3.1.1 CONNACK return codes (3.1.1 section 3.2.2.3) and their MQTT 5.0 equivalents.
/// Packets always carry the 5.0 reason code; the codec translates at the edge so that the channel
/// reasons about one set of codes whatever the client speaks.
/// </summary>
public static class ConnectReturnCodes
{
    public const byte Accepted = 0x00;
    public const byte UnacceptableProtocolVersion = 0x01;
    public const byte IdentifierRejected = 0x02;
    public const byte ServerUnavailable = 0x03;
    public const byte BadUserNameOrPassword = 0x04;
    public const byte NotAuthorized = 0x05;

    public static byte FromReasonCode(ReasonCode code) => code switch
    {
        ReasonCode.Success => Accepted,
        ReasonCode.UnsupportedProtocolVersion => UnacceptableProtocolVersion,
        ReasonCode.ClientIdentifierNotValid => IdentifierRejected,
        ReasonCode.BadUserNameOrPassword => BadUserNameOrPassword,
        ReasonCode.NotAuthorized or ReasonCode.Banned or ReasonCode.BadAuthenticationMethod => NotAuthorized,
        // 3.x has no code for the rest (busy, quota, moved, malformed...): "server unavailable" is the
        // one that tells the client to try again later rather than to change its credentials.
        _ => ServerUnavailable,
    };

    /// <returns>false for a value 3.1.1 reserves (6-255), which makes the CONNACK malformed.</returns>
    public static bool TryToReasonCode(byte returnCode, out ReasonCode code)
    {
        code = returnCode switch
        {
            Accepted => ReasonCode.Success,
            UnacceptableProtocolVersion => ReasonCode.UnsupportedProtocolVersion,
            IdentifierRejected => ReasonCode.ClientIdentifierNotValid,
            ServerUnavailable => ReasonCode.ServerUnavailable,
            BadUserNameOrPassword => ReasonCode.BadUserNameOrPassword,
            NotAuthorized => ReasonCode.NotAuthorized,
            _ => ReasonCode.UnspecifiedError,
        };
        return returnCode <= NotAuthorized;
    }
}

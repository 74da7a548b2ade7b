namespace Broker.Core.Security.Authentication.Scram;

/// <summary>
/// Why an exchange failed: <see cref="Code"/> is RFC 5802's server-error-value, which the client is told as
/// <c>e=Code</c>; <see cref="Detail"/> is for the log only.
/// </summary>
public readonly record struct ScramFailure(string Code, string Detail)
{
    public const string InvalidEncoding = "invalid-encoding";
    public const string ExtensionsNotSupported = "extensions-not-supported";
    public const string InvalidProof = "invalid-proof";
    public const string ChannelBindingsDontMatch = "channel-bindings-dont-match";
    public const string ChannelBindingNotSupported = "channel-binding-not-supported";
    public const string InvalidUsernameEncoding = "invalid-username-encoding";
    public const string OtherError = "other-error";

    /// <summary>The server-final-message that carries it.</summary>
    public byte[] Message => System.Text.Encoding.UTF8.GetBytes("e=" + Code);

    public AuthExchangeStep ToStep() => AuthExchangeStep.Failure(Message, $"{Code}: {Detail}");
}

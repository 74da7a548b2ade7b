using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Unicode;

namespace Broker.Core.Security.Authentication.Scram;

/// <summary>
/// The client's first message (RFC 5802 section 7):
/// <code>
///   client-first-message      = gs2-header client-first-message-bare
///   gs2-header                = gs2-cbind-flag "," [ "a=" saslname ] ","
///   gs2-cbind-flag            = "p=" cb-name / "n" / "y"
///   client-first-message-bare = [ "m=" mext "," ] "n=" saslname "," "r=" c-nonce [ "," extensions ]
/// </code>
/// Channel binding is not offered, so "n" (the client does not bind) and "y" (it could, but thinks the server cannot)
/// are accepted and "p=" refused. A mandatory extension ("m=") is refused as the RFC says; optional ones are ignored.
/// </summary>
/// <param name="Gs2Header">As sent, commas included: the client-final-message's c= must repeat it.</param>
/// <param name="Bare">The message without the GS2 header: the start of the AuthMessage both sides sign.</param>
/// <param name="Username">The saslname decoded (no SASLprep: compared as sent).</param>
public sealed record ScramClientFirst(string Gs2Header, string Bare, string Username, string Nonce)
{
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out ScramClientFirst? message, out ScramFailure failure)
    {
        message = null;
        failure = default;
        if (!Utf8.IsValid(data))
        {
            failure = new(ScramFailure.InvalidEncoding, "the client-first-message is not UTF-8");
            return false;
        }

        var text = Encoding.UTF8.GetString(data);
        var flagEnd = text.IndexOf(',', StringComparison.Ordinal);
        var headerEnd = flagEnd < 0 ? -1 : text.IndexOf(',', flagEnd + 1);
        if (headerEnd < 0)
        {
            failure = new(ScramFailure.InvalidEncoding, "the client-first-message has no GS2 header");
            return false;
        }

        var flag = text[..flagEnd];
        if (flag.StartsWith("p=", StringComparison.Ordinal))
        {
            failure = new(ScramFailure.ChannelBindingNotSupported, $"the client requires channel binding ({flag}); only n and y are accepted");
            return false;
        }

        if (flag is not ("n" or "y"))
        {
            failure = new(ScramFailure.InvalidEncoding, $"unknown channel binding flag \"{flag}\"");
            return false;
        }

        var bare = text[(headerEnd + 1)..];
        if (!TryParseBare(bare, out var username, out var nonce, out failure))
        {
            return false;
        }

        var authzid = text[(flagEnd + 1)..headerEnd];
        if (authzid.Length != 0 && (!authzid.StartsWith("a=", StringComparison.Ordinal) || SaslName.Decode(authzid[2..]) != username))
        {
            failure = new(ScramFailure.OtherError, "an authorization identity other than the user is not supported");
            return false;
        }

        message = new ScramClientFirst(text[..(headerEnd + 1)], bare, username, nonce);
        return true;
    }

    private static bool TryParseBare(string bare, out string username, out string nonce, out ScramFailure failure)
    {
        (username, nonce, failure) = ("", "", default);
        var fields = bare.Split(',');
        if (fields[0].StartsWith("m=", StringComparison.Ordinal))
        {
            failure = new(ScramFailure.ExtensionsNotSupported, "a mandatory extension (m=) is not supported");
            return false;
        }

        if (fields.Length < 2 || !fields[0].StartsWith("n=", StringComparison.Ordinal) || !fields[1].StartsWith("r=", StringComparison.Ordinal))
        {
            failure = new(ScramFailure.InvalidEncoding, "the client-first-message-bare is not n=...,r=...");
            return false;
        }

        if (SaslName.Decode(fields[0][2..]) is not { } name)
        {
            failure = new(ScramFailure.InvalidUsernameEncoding, "the user name is empty or has an '=' that is not =2C or =3D");
            return false;
        }

        nonce = fields[1][2..];
        if (nonce.Length == 0 || !nonce.All(c => c is >= '!' and <= '~'))
        {
            failure = new(ScramFailure.InvalidEncoding, "the client nonce is empty or not printable ASCII");
            return false;
        }

        username = name;
        return true;
    }
}

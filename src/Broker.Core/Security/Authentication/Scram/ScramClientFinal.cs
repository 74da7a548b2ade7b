using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Unicode;

namespace Broker.Core.Security.Authentication.Scram;

/// <summary>
/// The client's final message (RFC 5802 section 7):
/// <code>
///   client-final-message = "c=" base64(gs2-header) "," "r=" c-nonce s-nonce [ "," extensions ] "," "p=" base64(ClientProof)
/// </code>
/// </summary>
/// <param name="ChannelBinding">The c= value as sent (base64).</param>
/// <param name="WithoutProof">Everything before ",p=": the end of the AuthMessage.</param>
public sealed record ScramClientFinal(string ChannelBinding, string Nonce, byte[] Proof, string WithoutProof)
{
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out ScramClientFinal? message, out ScramFailure failure)
    {
        message = null;
        failure = new(ScramFailure.InvalidEncoding, "the client-final-message is not c=...,r=...,p=...");
        if (!Utf8.IsValid(data))
        {
            failure = failure with { Detail = "the client-final-message is not UTF-8" };
            return false;
        }

        var text = Encoding.UTF8.GetString(data);
        var proofAt = text.LastIndexOf(",p=", StringComparison.Ordinal);
        if (proofAt < 0)
        {
            return false;
        }

        var withoutProof = text[..proofAt];
        var fields = withoutProof.Split(',');
        if (fields.Length < 2 || !fields[0].StartsWith("c=", StringComparison.Ordinal) || !fields[1].StartsWith("r=", StringComparison.Ordinal))
        {
            return false;
        }

        var proofText = text[(proofAt + 3)..];
        var proof = new byte[proofText.Length * 3 / 4];
        if (!Convert.TryFromBase64String(proofText, proof, out var length))
        {
            failure = failure with { Detail = "the proof is not base64" };
            return false;
        }

        message = new ScramClientFinal(fields[0][2..], fields[1][2..], proof[..length], withoutProof);
        return true;
    }
}

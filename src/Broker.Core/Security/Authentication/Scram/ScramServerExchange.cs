using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Broker.Core.Security.Authentication.Scram;

/// <summary>
/// The server's side of one SCRAM exchange (RFC 5802 section 5), from the client-first-message on:
/// <code>
///   C: client-first   n,,n=user,r=cnonce
///   S: server-first   r=cnonce+snonce,s=base64(salt),i=iterations          (Start)
///   C: client-final   c=biws,r=cnonce+snonce,p=base64(ClientProof)
///   S: server-final   v=base64(ServerSignature), or e=error                  (Continue)
/// </code>
/// The proof is checked as the RFC says: ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage), then H(ClientKey)
/// must equal StoredKey (compared in constant time). No password and no Hi() here: the check costs two HMACs and a hash.
/// An unknown user gets a salt and keys of its own and fails at the proof like a wrong password, so that the answers
/// do not tell whether a user exists.
/// </summary>
public sealed class ScramServerExchange : IAuthExchange
{
    private readonly ScramAlgorithm _algorithm;
    private readonly ScramUser _user;
    private readonly bool _known;
    private readonly string _gs2Header;
    private readonly string _nonce;
    private readonly string _authMessageStart;
    private bool _ended;

    private ScramServerExchange(ScramAlgorithm algorithm, ScramUser user, bool known, string gs2Header, string nonce, string authMessageStart)
    {
        _algorithm = algorithm;
        _user = user;
        _known = known;
        _gs2Header = gs2Header;
        _nonce = nonce;
        _authMessageStart = authMessageStart;
    }

    /// <summary>The server-first-message for <paramref name="first"/>, and the exchange that checks the client's answer.</summary>
    /// <param name="user">The user named in <paramref name="first"/>, or the stand-in of an unknown one (<paramref name="known"/> false).</param>
    /// <param name="serverNonce">Fresh from a CSPRNG for each exchange, printable and without commas.</param>
    public static AuthExchangeStep Start(ScramAlgorithm algorithm, int iterations, ScramClientFirst first, ScramUser user, bool known, string serverNonce)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentException.ThrowIfNullOrEmpty(serverNonce);
        var nonce = first.Nonce + serverNonce;
        var serverFirst = string.Create(CultureInfo.InvariantCulture, $"r={nonce},s={Convert.ToBase64String(user.Salt)},i={iterations}");
        var exchange = new ScramServerExchange(algorithm, user, known, first.Gs2Header, nonce, first.Bare + "," + serverFirst);
        return AuthExchangeStep.Continue(Encoding.UTF8.GetBytes(serverFirst), exchange);
    }

    /// <summary>Checks the client-final-message; the exchange ends here, whatever the answer.</summary>
    public AuthExchangeStep Continue(ReadOnlySpan<byte> data)
    {
        if (_ended)
        {
            return new ScramFailure(ScramFailure.OtherError, "the exchange has ended").ToStep();
        }

        _ended = true;
        if (!ScramClientFinal.TryParse(data, out var final, out var malformed))
        {
            return malformed.ToStep();
        }

        if (final.ChannelBinding != Convert.ToBase64String(Encoding.UTF8.GetBytes(_gs2Header)))
        {
            return new ScramFailure(ScramFailure.ChannelBindingsDontMatch, "c= does not repeat the client-first-message's GS2 header").ToStep();
        }

        if (final.Nonce != _nonce)
        {
            return new ScramFailure(ScramFailure.OtherError, "r= is not the nonce of this exchange").ToStep();
        }

        var authMessage = Encoding.UTF8.GetBytes(_authMessageStart + "," + final.WithoutProof);
        if (!ProofHolds(final.Proof, authMessage) || !_known)
        {
            var why = _known ? $"wrong proof for user {_user.UserId}" : $"unknown user {_user.UserId}";
            return new ScramFailure(ScramFailure.InvalidProof, why).ToStep();
        }

        var verifier = "v=" + Convert.ToBase64String(_algorithm.Hmac(_user.ServerKey, authMessage));
        return AuthExchangeStep.Success(Encoding.UTF8.GetBytes(verifier), _user.UserId, _user.IsSuperuser);
    }

    private bool ProofHolds(byte[] proof, byte[] authMessage)
    {
        var clientKey = _algorithm.Hmac(_user.StoredKey, authMessage);
        if (proof.Length != clientKey.Length)
        {
            return false;
        }

        for (var i = 0; i < clientKey.Length; i++)
        {
            clientKey[i] ^= proof[i];
        }

        return CryptographicOperations.FixedTimeEquals(_algorithm.Hash(clientKey), _user.StoredKey);
    }
}

namespace Broker.Host.Options;

/// <summary>Configured as <c>verify_none</c> or <c>verify_peer</c>, the names EMQX (and Erlang's ssl) use.</summary>
public enum PeerVerification
{
    VerifyNone,
    VerifyPeer,
}

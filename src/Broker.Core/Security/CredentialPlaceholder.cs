namespace Broker.Core.Security;

/// <summary>
/// What a <c>${...}</c> in a configured request (an HTTP service's URL, headers and body; a database's query) stands
/// for: a part of the CONNECT, named as EMQX names it (<see cref="CredentialPlaceholders"/>).
/// </summary>
public enum CredentialPlaceholder
{
    Username,
    ClientId,
    Password,
    PeerHost,
    CertCommonName,
    CertSubject,
}

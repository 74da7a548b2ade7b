namespace Broker.Core.Security;

/// <summary>EMQX's names of the <see cref="CredentialPlaceholder"/>s, both ways.</summary>
public static class CredentialPlaceholders
{
    /// <summary>The placeholder <c>${<paramref name="name"/>}</c> stands for; null for a name that is none of them.</summary>
    public static CredentialPlaceholder? Named(string name) => name switch
    {
        "username" => CredentialPlaceholder.Username,
        "clientid" => CredentialPlaceholder.ClientId,
        "password" => CredentialPlaceholder.Password,
        "peerhost" => CredentialPlaceholder.PeerHost,
        "cert_common_name" => CredentialPlaceholder.CertCommonName,
        "cert_subject" => CredentialPlaceholder.CertSubject,
        _ => null,
    };

    public static string NameOf(CredentialPlaceholder placeholder) => placeholder switch
    {
        CredentialPlaceholder.Username => "username",
        CredentialPlaceholder.ClientId => "clientid",
        CredentialPlaceholder.Password => "password",
        CredentialPlaceholder.PeerHost => "peerhost",
        CredentialPlaceholder.CertCommonName => "cert_common_name",
        CredentialPlaceholder.CertSubject => "cert_subject",
        _ => throw new ArgumentOutOfRangeException(nameof(placeholder)),
    };
}

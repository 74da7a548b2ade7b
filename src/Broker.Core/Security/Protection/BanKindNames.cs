namespace Broker.Core.Security.Protection;

/// <summary>EMQX's names of the ban kinds (its <c>as</c> field), used in files, records and the management API.</summary>
public static class BanKindNames
{
    public const string Known = "clientid, username, peerhost, clientid_re, username_re, peerhost_net";

    public static bool TryParse(string name, out BanKind kind)
    {
        BanKind? parsed = name switch
        {
            "clientid" => BanKind.ClientId,
            "username" => BanKind.Username,
            "peerhost" => BanKind.PeerHost,
            "clientid_re" => BanKind.ClientIdPattern,
            "username_re" => BanKind.UsernamePattern,
            "peerhost_net" => BanKind.PeerNetwork,
            _ => null,
        };
        kind = parsed.GetValueOrDefault();
        return parsed.HasValue;
    }

    public static string Format(BanKind kind) => kind switch
    {
        BanKind.ClientId => "clientid",
        BanKind.Username => "username",
        BanKind.PeerHost => "peerhost",
        BanKind.ClientIdPattern => "clientid_re",
        BanKind.UsernamePattern => "username_re",
        BanKind.PeerNetwork => "peerhost_net",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}

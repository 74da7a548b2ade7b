using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Broker.Cluster.Discovery;

/// <summary>
/// A name server written as "host", "host:port", "[IPv6]:port" or a bare IPv6 address (<c>cluster.dns.server</c>);
/// port 53 when left out. Public so the host validates the key with the same rule the lookup uses.
/// </summary>
public static class NameServerAddress
{
    public const int DefaultPort = 53;

    public static bool TryParse(string? text, out string host, out int port)
    {
        host = "";
        port = DefaultPort;
        var value = text?.Trim() ?? "";
        string? portText = null;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = value[1..close];
            var rest = value[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':')
                {
                    return false;
                }

                portText = rest[1..];
            }

            if (!IsIpV6(host))
            {
                return false;
            }
        }
        else if (value.Count(c => c == ':') > 1)
        {
            // A bare IPv6 address: its colons are no port separator.
            host = value;
            if (!IsIpV6(host))
            {
                return false;
            }
        }
        else
        {
            var colon = value.IndexOf(':', StringComparison.Ordinal);
            host = colon < 0 ? value : value[..colon];
            portText = colon < 0 ? null : value[(colon + 1)..];
            if (!HostName.IsValid(host))
            {
                return false;
            }
        }

        return portText is null
            || (int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535);
    }

    private static bool IsIpV6(string text) =>
        IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;
}

using System.Net;
using System.Net.Sockets;

namespace Broker.Host.Bench;

/// <summary>
/// <c>--source-ips</c>: local addresses to bind client sockets to, as a comma-separated list of addresses and
/// IPv4 ranges (<c>127.0.0.1-127.0.0.16</c>). Each local address has its own ~28,000 ephemeral ports towards one
/// broker port, so several of them lift that cap.
/// </summary>
public static class SourceAddresses
{
    public const int MaxAddresses = 65_536;

    public static bool TryParse(string text, out IReadOnlyList<IPAddress> addresses, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var list = new List<IPAddress>();
        addresses = list;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0)
            {
                if (!IPAddress.TryParse(part, out var single))
                {
                    error = $"'{part}' is not an IP address";
                    return false;
                }
                list.Add(single);
                continue;
            }
            if (!IPAddress.TryParse(part[..dash], out var first) || !IPAddress.TryParse(part[(dash + 1)..], out var last)
                || first.AddressFamily != AddressFamily.InterNetwork || last.AddressFamily != AddressFamily.InterNetwork)
            {
                error = $"'{part}' is not a range of IPv4 addresses such as 127.0.0.1-127.0.0.16";
                return false;
            }
            var from = ToNumber(first);
            var to = ToNumber(last);
            if (to < from || to - from >= MaxAddresses - (uint)list.Count)
            {
                error = $"'{part}' must go upwards and hold at most {MaxAddresses} addresses";
                return false;
            }
            for (var n = (long)from; n <= to; n++)
            {
                var bytes = new byte[4];
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)n);
                list.Add(new IPAddress(bytes));
            }
        }
        if (list.Count == 0)
        {
            error = "no address given";
            return false;
        }
        error = "";
        return true;
    }

    private static uint ToNumber(IPAddress address) =>
        System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());
}

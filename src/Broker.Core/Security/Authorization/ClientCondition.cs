using System.Net;
using System.Text.RegularExpressions;

namespace Broker.Core.Security.Authorization;

/// <summary>The "who" of a rule: which clients it is about.</summary>
internal abstract class ClientCondition
{
    /// <summary>May throw <see cref="RegexMatchTimeoutException"/>; the ACL then fails closed.</summary>
    public abstract bool Matches(ClientInfo client);
}

internal sealed class AnyClient : ClientCondition
{
    public static readonly AnyClient Instance = new();

    public override bool Matches(ClientInfo client) => true;
}

/// <summary><c>{username, ...}</c> or <c>{clientid, ...}</c>: equal to a string, or a regex found in it (unanchored, as Erlang's <c>re:run</c>).</summary>
internal sealed class IdentityCondition(IdentityField field, string? equals, Regex? pattern) : ClientCondition
{
    public override bool Matches(ClientInfo client)
    {
        var value = field == IdentityField.Username ? client.Username : client.ClientId;
        if (value is null)
        {
            return false;
        }

        return pattern is null ? string.Equals(value, equals, StringComparison.Ordinal) : pattern.IsMatch(value);
    }
}

internal enum IdentityField
{
    Username,
    ClientId,
}

/// <summary><c>{ipaddr, ...}</c> or <c>{ipaddrs, [...]}</c>: the peer's address in one of the networks.</summary>
internal sealed class AddressCondition(IReadOnlyList<IPNetwork> networks) : ClientCondition
{
    public override bool Matches(ClientInfo client)
    {
        if (client.PeerHost is not { } address)
        {
            return false;
        }

        // A dual-stack listener reports an IPv4 client as ::ffff:a.b.c.d; the rules name it as a.b.c.d.
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary><c>{'and', [...]}</c> (all hold; true when empty) or <c>{'or', [...]}</c> (one holds; false when empty), as EMQX folds them.</summary>
internal sealed class CompoundCondition(bool all, IReadOnlyList<ClientCondition> conditions) : ClientCondition
{
    public override bool Matches(ClientInfo client)
    {
        foreach (var condition in conditions)
        {
            if (condition.Matches(client) != all)
            {
                return !all;
            }
        }

        return all;
    }
}

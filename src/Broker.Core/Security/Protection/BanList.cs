using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using System.Text.RegularExpressions;

namespace Broker.Core.Security.Protection;

/// <summary>
/// The banned list (EMQX's <c>banned</c>): checked at every CONNECT, before authentication, so a banned device costs
/// no password hash and no call to an identity service. Exact entries are dictionary lookups; patterns and networks,
/// rare, are scanned. Shared by every connection: lock-free to read, expired entries dropped as they are met.
/// </summary>
public sealed class BanList
{
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<(BanKind, string), Ban> _exact = new();
    private ImmutableArray<(Ban Ban, Regex? Pattern, IPNetwork? Network)> _scanned = [];
    private readonly Lock _scannedWrite = new();
    private readonly TimeProvider _time;

    public BanList(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    public int Count => _exact.Count + _scanned.Length;

    /// <summary>Adds or replaces the entry for its kind and subject; a bad pattern or network is an <see cref="ArgumentException"/>.</summary>
    public void Add(Ban ban)
    {
        var (exactKey, pattern, network) = Parse(ban);
        if (exactKey is not null)
        {
            _exact[(ban.Kind, exactKey)] = ban;
            return;
        }

        lock (_scannedWrite)
        {
            _scanned = [.. _scanned.Where(s => s.Ban.Kind != ban.Kind || s.Ban.Who != ban.Who), (ban, pattern, network)];
        }
    }

    /// <summary>Throws the <see cref="ArgumentException"/> that <see cref="Add"/> would: a ban is checked before it is stored and shared.</summary>
    public static void Validate(Ban ban) => Parse(ban);

    /// <summary>The key of an exact entry, or the pattern or network of a scanned one.</summary>
    private static (string? ExactKey, Regex? Pattern, IPNetwork? Network) Parse(Ban ban)
    {
        ArgumentNullException.ThrowIfNull(ban);
        switch (ban.Kind)
        {
            case BanKind.ClientId or BanKind.Username:
                return (ban.Who, null, null);
            case BanKind.PeerHost:
                // Strict: IPAddress.TryParse takes "10.1.2" for 10.1.0.2, which nobody writing a ban means.
                var address = IPAddress.TryParse(ban.Who, out var parsed) && (ban.Who.Contains(':', StringComparison.Ordinal) || ban.Who.Count(c => c == '.') == 3)
                    ? parsed
                    : throw new ArgumentException($"\"{ban.Who}\" is not an IP address", nameof(ban));
                return (Normalize(address).ToString(), null, null);
            case BanKind.PeerNetwork:
                return IPNetwork.TryParse(ban.Who, out var network)
                    ? (null, null, network)
                    : throw new ArgumentException($"\"{ban.Who}\" is not a network like 10.0.0.0/8", nameof(ban));
            default:
                return (null, Compile(ban.Who), null);
        }
    }

    public bool Remove(BanKind kind, string who)
    {
        if (kind == BanKind.PeerHost && IPAddress.TryParse(who, out var address))
        {
            who = Normalize(address).ToString();
        }

        if (_exact.TryRemove((kind, who), out _))
        {
            return true;
        }

        lock (_scannedWrite)
        {
            var before = _scanned.Length;
            _scanned = [.. _scanned.Where(s => s.Ban.Kind != kind || s.Ban.Who != who)];
            return _scanned.Length != before;
        }
    }

    /// <summary>The active entries, expired ones left out.</summary>
    public IReadOnlyList<Ban> List()
    {
        var now = _time.GetUtcNow();
        return [.. _exact.Values.Concat(_scanned.Select(s => s.Ban)).Where(b => b.IsActive(now))];
    }

    /// <summary>The ban that refuses this client, or null.</summary>
    public Ban? Find(ClientInfo client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var now = _time.GetUtcNow();
        if (Exact(BanKind.ClientId, client.ClientId, now) is { } byClientId)
        {
            return byClientId;
        }

        if (client.Username is { } username && Exact(BanKind.Username, username, now) is { } byUsername)
        {
            return byUsername;
        }

        var address = client.PeerHost is { } peer ? Normalize(peer) : null;
        if (address is not null && Exact(BanKind.PeerHost, address.ToString(), now) is { } byHost)
        {
            return byHost;
        }

        foreach (var (ban, pattern, network) in _scanned)
        {
            if (!ban.IsActive(now))
            {
                continue;
            }

            var matches = ban.Kind switch
            {
                BanKind.ClientIdPattern => Matches(pattern!, client.ClientId),
                BanKind.UsernamePattern => client.Username is { } name && Matches(pattern!, name),
                _ => address is not null && network!.Value.Contains(address),
            };
            if (matches)
            {
                return ban;
            }
        }

        return null;
    }

    private Ban? Exact(BanKind kind, string who, DateTimeOffset now)
    {
        if (!_exact.TryGetValue((kind, who), out var ban))
        {
            return null;
        }

        if (ban.IsActive(now))
        {
            return ban;
        }

        // Expired: gone for everybody, unless it was replaced meanwhile.
        _exact.TryRemove(new KeyValuePair<(BanKind, string), Ban>((kind, who), ban));
        return null;
    }

    private static Regex Compile(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, PatternTimeout);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"\"{pattern}\" is not a regular expression: {e.Message}", nameof(pattern), e);
        }
    }

    // A pattern that runs away bans nobody rather than stalling a connection.
    private static bool Matches(Regex pattern, string value)
    {
        try
        {
            return pattern.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
